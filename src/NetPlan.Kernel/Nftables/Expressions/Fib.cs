using NetPlan.Kernel.Netlink;

namespace NetPlan.Kernel.Nftables.Expressions;

[Flags]
public enum FibFlags : uint { Saddr = 1, Daddr = 2, Mark = 4, Iif = 8, Oif = 16 }

public enum FibResult : uint { Oif = 1, OifName = 2, AddressType = 3 }

/// <summary>RTN_* address types <c>fib ... type</c> yields (host byte order).</summary>
public enum RouteType : uint { Unicast = 1, Local = 2, Broadcast = 3, Anycast = 4, Multicast = 5 }

/// <summary><c>fib daddr type => reg</c>: a routing lookup; <c>fib daddr type local</c> means "to this host".</summary>
public sealed record Fib(FibFlags Flags, FibResult Result, Register Destination = Register.R1) : Expression
{
    public override string Kind => "fib";

    public override string ToString() => $"fib {Flags.ToString().ToLowerInvariant()} {Result.ToString().ToLowerInvariant()} => {Reg.Name(Destination)}";

    internal override void EncodeData(MessageWriter writer, EncodingContext context) => writer
        .U32BigEndian(Nft.Fib.FLAGS, (uint)Flags)
        .U32BigEndian(Nft.Fib.RESULT, (uint)Result)
        .U32BigEndian(Nft.Fib.DREG, (uint)Destination);

    internal static Fib Decode(Dictionary<ushort, ReadOnlyMemory<byte>> a) => new(
        (FibFlags)AttributeValue.U32BigEndian(a[Nft.Fib.FLAGS]),
        (FibResult)AttributeValue.U32BigEndian(a[Nft.Fib.RESULT]),
        (Register)AttributeValue.U32BigEndian(a[Nft.Fib.DREG]));
}
