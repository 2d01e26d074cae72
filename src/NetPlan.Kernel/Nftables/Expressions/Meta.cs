using NetPlan.Kernel.Netlink;

namespace NetPlan.Kernel.Nftables.Expressions;

/// <summary>NFT_META_* keys this project loads.</summary>
public enum MetaKey : uint
{
    Mark = 3,
    Iif = 4,
    Oif = 5,
    IifName = 6,
    OifName = 7,
    NfProto = 15,
    L4Proto = 16,
}

/// <summary><c>meta load KEY => reg</c>: packet metadata into a register.</summary>
public sealed record Meta(MetaKey Key, Register Destination = Register.R1) : Expression
{
    public override string Kind => "meta";

    public override string ToString() => $"meta load {Key.ToString().ToLowerInvariant()} => {Reg.Name(Destination)}";

    internal override void EncodeData(MessageWriter writer, EncodingContext context) => writer
        .U32BigEndian(Nft.Meta.KEY, (uint)Key)
        .U32BigEndian(Nft.Meta.DREG, (uint)Destination);

    internal static Meta Decode(Dictionary<ushort, ReadOnlyMemory<byte>> a) =>
        new((MetaKey)AttributeValue.U32BigEndian(a[Nft.Meta.KEY]), (Register)AttributeValue.U32BigEndian(a[Nft.Meta.DREG]));
}
