using System.Net;
using System.Net.Sockets;
using NetPlan.Kernel.Nftables.Expressions;

namespace NetPlan.Kernel.Nftables;

/// <summary>IP protocol numbers as <c>meta l4proto</c> compares them.</summary>
public enum IpProtocol : byte { Icmp = 1, Tcp = 6, Udp = 17, Icmpv6 = 58, Sctp = 132 }

/// <summary>
/// Builds rules from readable steps, emitting the same bytecode nft emits for the same text, so
/// <c>nft list</c> prints them back as the familiar syntax (each method names the nft text it
/// stands for). Matches come first, then at most one terminal action.
/// </summary>
public sealed class RuleBuilder(string chain)
{
    private const byte NFPROTO_IPV4 = 2, NFPROTO_IPV6 = 10;
    private const uint Ipv4SourceOffset = 12, Ipv4DestinationOffset = 16;
    private const uint Ipv6SourceOffset = 8, Ipv6DestinationOffset = 24;
    private const uint TransportDestinationPortOffset = 2;

    private readonly List<Expression> _expressions = [];

    public RuleBuilder Add(Expression expression)
    {
        _expressions.Add(expression);
        return this;
    }

    /// <summary><c>meta l4proto P</c>.</summary>
    public RuleBuilder Protocol(IpProtocol protocol) =>
        Add(new Meta(MetaKey.L4Proto)).Add(new Cmp(CmpOp.Eq, NftData.U8((byte)protocol)));

    /// <summary><c>tcp dport N</c> (or udp/sctp): the l4proto guard, then the port.</summary>
    public RuleBuilder DestinationPort(IpProtocol protocol, ushort port) =>
        Protocol(protocol).LoadDestinationPort().Add(new Cmp(CmpOp.Eq, NftData.U16BigEndian(port)));

    /// <summary><c>tcp dport A-B</c>.</summary>
    public RuleBuilder DestinationPorts(IpProtocol protocol, ushort first, ushort last)
    {
        if (first > last) throw new ArgumentException($"port range {first}-{last} is empty");
        if (first == last) return DestinationPort(protocol, first);
        return Protocol(protocol).LoadDestinationPort()
            .Add(new Cmp(CmpOp.Gte, NftData.U16BigEndian(first)))
            .Add(new Cmp(CmpOp.Lte, NftData.U16BigEndian(last)));
    }

    /// <summary><c>tcp dport @SET</c>: the destination port is in the named inet_service set.</summary>
    public RuleBuilder DestinationPortIn(IpProtocol protocol, string set) =>
        Protocol(protocol).LoadDestinationPort().Add(new Lookup(set));

    /// <summary><c>ip daddr A</c> / <c>ip6 daddr A</c>.</summary>
    public RuleBuilder DestinationAddress(IPAddress address) => AddressMatch(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128, source: false, negate: false);

    /// <summary><c>ip saddr A</c>.</summary>
    public RuleBuilder SourceAddress(IPAddress address) => AddressMatch(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128, source: true, negate: false);

    /// <summary><c>ip saddr N/L</c> (or <c>!=</c> with <paramref name="negate"/>).</summary>
    public RuleBuilder SourcePrefix(IPAddress network, int prefixLength, bool negate = false) => AddressMatch(network, prefixLength, source: true, negate);

    /// <summary><c>ip daddr N/L</c> (or <c>!=</c> with <paramref name="negate"/>).</summary>
    public RuleBuilder DestinationPrefix(IPAddress network, int prefixLength, bool negate = false) => AddressMatch(network, prefixLength, source: false, negate);

    /// <summary><c>iifname "NAME"</c> (or <c>!=</c>).</summary>
    public RuleBuilder InputInterface(string name, bool negate = false) =>
        Add(new Meta(MetaKey.IifName)).Add(new Cmp(negate ? CmpOp.Neq : CmpOp.Eq, NftData.InterfaceName(name)));

    /// <summary><c>oifname "NAME"</c> (or <c>!=</c>).</summary>
    public RuleBuilder OutputInterface(string name, bool negate = false) =>
        Add(new Meta(MetaKey.OifName)).Add(new Cmp(negate ? CmpOp.Neq : CmpOp.Eq, NftData.InterfaceName(name)));

    /// <summary><c>ct state established,related</c>: any of the given states.</summary>
    public RuleBuilder ConnectionState(CtState states) => Add(new Ct(CtKey.State))
        .Add(new Bitwise(4, NftData.U32Host((uint)states), NftData.U32Host(0)))
        .Add(new Cmp(CmpOp.Neq, NftData.U32Host(0)));

    /// <summary><c>ct status dnat</c>: any of the given status bits (e.g. the connection was DNATed: a published port).</summary>
    public RuleBuilder ConnectionStatus(CtStatus status) => Add(new Ct(CtKey.Status))
        .Add(new Bitwise(4, NftData.U32Host((uint)status), NftData.U32Host(0)))
        .Add(new Cmp(CmpOp.Neq, NftData.U32Host(0)));

    /// <summary><c>fib daddr type local</c>: the destination is one of this host's addresses.</summary>
    public RuleBuilder DestinationIsLocal() =>
        Add(new Fib(FibFlags.Daddr, FibResult.AddressType)).Add(new Cmp(CmpOp.Eq, NftData.U32Host((uint)RouteType.Local)));

    /// <summary><c>counter</c>.</summary>
    public RuleBuilder Count() => Add(new Counter());

    /// <summary><c>dnat ip to ADDR[:PORT[-PORTMAX]]</c>.</summary>
    public RuleBuilder Dnat(IPAddress address, ushort? port = null, ushort? portMax = null) =>
        Nat(NatType.Dnat, address, port, portMax);

    /// <summary><c>snat ip to ADDR[:PORT[-PORTMAX]]</c>.</summary>
    public RuleBuilder Snat(IPAddress address, ushort? port = null, ushort? portMax = null) =>
        Nat(NatType.Snat, address, port, portMax);

    /// <summary><c>masquerade</c>.</summary>
    public RuleBuilder Masquerade() => Add(new Masq());

    /// <summary><c>reject</c> (ICMPX port unreachable, as nft writes it in an inet table).</summary>
    public RuleBuilder Reject() => Add(new Reject());

    public RuleBuilder Accept() => Add(Immediate.Of(Verdict.Accept));
    public RuleBuilder Drop() => Add(Immediate.Of(Verdict.Drop));
    public RuleBuilder Return() => Add(Immediate.Of(Verdict.Return));
    public RuleBuilder Jump(string target) => Add(Immediate.Of(Verdict.Jump(target)));
    public RuleBuilder Goto(string target) => Add(Immediate.Of(Verdict.Goto(target)));

    public Rule Build(string? comment = null) => new(chain, _expressions.ToArray(), comment);

    private RuleBuilder LoadDestinationPort() => Add(new Payload(PayloadBase.Transport, TransportDestinationPortOffset, 2));

    private RuleBuilder Nat(NatType type, IPAddress address, ushort? port, ushort? portMax)
    {
        if (portMax is not null && port is null) throw new ArgumentException("a NAT port range needs its first port");
        var family = address.AddressFamily == AddressFamily.InterNetwork ? NFPROTO_IPV4 : NFPROTO_IPV6;
        Add(Immediate.Load(Register.R1, NftData.Address(address)));
        if (port is { } p) Add(Immediate.Load(Register.R2, NftData.U16BigEndian(p)));
        if (portMax is { } m && m != port) Add(Immediate.Load(Register.R3, NftData.U16BigEndian(m)));
        return Add(new Nat(type, family, Register.R1,
            ProtoMin: port is null ? null : Register.R2,
            ProtoMax: portMax is { } max && max != port ? Register.R3 : null));
    }

    /// <summary>
    /// An address or prefix match the way nft compiles it: the nfproto guard (an inet table sees
    /// both families), then a load of only the prefix's bytes when it ends on a byte boundary,
    /// else a load of the whole address and a mask.
    /// </summary>
    private RuleBuilder AddressMatch(IPAddress network, int prefixLength, bool source, bool negate)
    {
        var v4 = network.AddressFamily == AddressFamily.InterNetwork;
        var width = v4 ? 32 : 128;
        if (prefixLength < 1 || prefixLength > width) throw new ArgumentException($"prefix length {prefixLength} is out of range for {network}");
        var offset = v4 ? (source ? Ipv4SourceOffset : Ipv4DestinationOffset) : (source ? Ipv6SourceOffset : Ipv6DestinationOffset);
        var address = network.GetAddressBytes();
        Add(new Meta(MetaKey.NfProto)).Add(new Cmp(CmpOp.Eq, NftData.U8(v4 ? NFPROTO_IPV4 : NFPROTO_IPV6)));
        var op = negate ? CmpOp.Neq : CmpOp.Eq;
        if (prefixLength % 8 == 0)
        {
            var bytes = prefixLength / 8;
            return Add(new Payload(PayloadBase.Network, offset, (uint)bytes)).Add(new Cmp(op, new NftData(address.AsSpan(0, bytes))));
        }
        // Not on a byte boundary: nft loads the whole address and masks it.
        var length = width / 8;
        var mask = new byte[length];
        for (var bit = 0; bit < prefixLength; bit++) mask[bit / 8] |= (byte)(0x80 >> (bit % 8));
        var masked = address.Select((b, i) => (byte)(b & mask[i])).ToArray();
        return Add(new Payload(PayloadBase.Network, offset, (uint)length))
            .Add(new Bitwise((uint)length, new NftData(mask), new NftData(new byte[length])))
            .Add(new Cmp(op, new NftData(masked)));
    }
}
