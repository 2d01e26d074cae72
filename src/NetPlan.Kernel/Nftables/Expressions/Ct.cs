using NetPlan.Kernel.Netlink;

namespace NetPlan.Kernel.Nftables.Expressions;

public enum CtKey : uint { State = 0, Direction = 1, Status = 2, Mark = 3 }

/// <summary>NF_CT_STATE_* bits as <c>ct state</c> loads them (host byte order).</summary>
[Flags]
public enum CtState : uint { Invalid = 1, Established = 2, Related = 4, New = 8, Untracked = 64 }

/// <summary>IPS_* conntrack status bits as <c>ct status</c> loads them (host byte order).</summary>
[Flags]
public enum CtStatus : uint { Expected = 1, SeenReply = 2, Assured = 4, Confirmed = 8, SrcNat = 16, DstNat = 32 }

/// <summary><c>ct load KEY => reg</c>: connection-tracking state into a register.</summary>
public sealed record Ct(CtKey Key, Register Destination = Register.R1) : Expression
{
    public override string Kind => "ct";

    public override string ToString() => $"ct load {Key.ToString().ToLowerInvariant()} => {Reg.Name(Destination)}";

    internal override void EncodeData(MessageWriter writer, EncodingContext context) => writer
        .U32BigEndian(Nft.Ct.KEY, (uint)Key)
        .U32BigEndian(Nft.Ct.DREG, (uint)Destination);

    internal static Ct Decode(Dictionary<ushort, ReadOnlyMemory<byte>> a) =>
        new((CtKey)AttributeValue.U32BigEndian(a[Nft.Ct.KEY]), (Register)AttributeValue.U32BigEndian(a[Nft.Ct.DREG]));
}
