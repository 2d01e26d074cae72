using NetPlan.Kernel.Netlink;

namespace NetPlan.Kernel.Nftables.Expressions;

/// <summary><c>masq</c>: source NAT to the address of the interface the packet leaves by.</summary>
public sealed record Masq(NatFlags Flags = NatFlags.None) : Expression
{
    public override string Kind => "masq";

    public override string ToString() => Flags == NatFlags.None ? "masq" : $"masq flags {Flags}";

    internal override void EncodeData(MessageWriter writer, EncodingContext context)
    {
        if (Flags != NatFlags.None) writer.U32BigEndian(Nft.Masq.FLAGS, (uint)Flags);
    }

    internal static Masq Decode(Dictionary<ushort, ReadOnlyMemory<byte>> a) =>
        new(a.TryGetValue(Nft.Masq.FLAGS, out var f) ? (NatFlags)AttributeValue.U32BigEndian(f) : NatFlags.None);
}
