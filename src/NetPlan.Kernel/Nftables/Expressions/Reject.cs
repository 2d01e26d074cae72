using NetPlan.Kernel.Netlink;

namespace NetPlan.Kernel.Nftables.Expressions;

public enum RejectType : uint { IcmpUnreachable = 0, TcpReset = 1, IcmpxUnreachable = 2 }

/// <summary>
/// <c>reject</c>: drop and tell the sender. The default is what nft's plain <c>reject</c> writes
/// in an inet table: ICMPX (family-neutral) with code 1, port unreachable.
/// </summary>
public sealed record Reject(RejectType Type = RejectType.IcmpxUnreachable, byte Code = 1) : Expression
{
    public override string Kind => "reject";

    public override string ToString() => $"reject type {(uint)Type} code {Code}";

    internal override void EncodeData(MessageWriter writer, EncodingContext context) => writer
        .U32BigEndian(Nft.Reject.TYPE, (uint)Type)
        .U8(Nft.Reject.ICMP_CODE, Code);

    internal static Reject Decode(Dictionary<ushort, ReadOnlyMemory<byte>> a) => new(
        (RejectType)AttributeValue.U32BigEndian(a[Nft.Reject.TYPE]),
        a.TryGetValue(Nft.Reject.ICMP_CODE, out var c) ? AttributeValue.U8(c) : (byte)0);
}
