using NetPlan.Kernel.Netlink;

namespace NetPlan.Kernel.Nftables.Expressions;

/// <summary>
/// <c>counter</c>: packets and bytes that reached it. The running totals are not part of the
/// rule's identity (a busy rule is not drift), so reading one back yields a plain Counter.
/// </summary>
public sealed record Counter : Expression
{
    public override string Kind => "counter";

    public override string ToString() => "counter";

    internal override void EncodeData(MessageWriter writer, EncodingContext context) { }
}
