using NetPlan.Kernel.Netlink;

namespace NetPlan.Kernel.Nftables.Expressions;

public enum PayloadBase : uint { LinkLayer = 0, Network = 1, Transport = 2 }

/// <summary>
/// <c>payload load LEN @ BASE + OFFSET => reg</c>: packet bytes into a register. A transport
/// load must follow an l4proto match, or it reads the wrong protocol's header.
/// </summary>
public sealed record Payload(PayloadBase Base, uint Offset, uint Length, Register Destination = Register.R1) : Expression
{
    public override string Kind => "payload";

    public override string ToString() => $"payload load {Length}b @ {Base.ToString().ToLowerInvariant()} header + {Offset} => {Reg.Name(Destination)}";

    internal override void EncodeData(MessageWriter writer, EncodingContext context) => writer
        .U32BigEndian(Nft.Payload.DREG, (uint)Destination)
        .U32BigEndian(Nft.Payload.BASE, (uint)Base)
        .U32BigEndian(Nft.Payload.OFFSET, Offset)
        .U32BigEndian(Nft.Payload.LEN, Length);

    internal static Payload Decode(Dictionary<ushort, ReadOnlyMemory<byte>> a) => new(
        (PayloadBase)AttributeValue.U32BigEndian(a[Nft.Payload.BASE]),
        AttributeValue.U32BigEndian(a[Nft.Payload.OFFSET]),
        AttributeValue.U32BigEndian(a[Nft.Payload.LEN]),
        (Register)AttributeValue.U32BigEndian(a[Nft.Payload.DREG]));
}
