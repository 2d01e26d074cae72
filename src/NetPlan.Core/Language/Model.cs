using System.Net;

namespace NetPlan.Core.Language;

// The validated topology a user wrote. The loader builds it only when there are no errors, so
// everything downstream (compile, IPAM, diff) can trust it: names are valid DNS labels, references
// resolve, addresses parse and sit inside their subnets. Collections keep the declared order,
// because order carries meaning (endpoint order gives eth0, eth1, ...).

/// <summary>Where something was written: 1-based line and column in a file.</summary>
public readonly record struct SourceSpan(string File, int Line, int Column)
{
    public static readonly SourceSpan None = new("", 0, 0);
    public override string ToString() => $"{File}:{Line}:{Column}";
}

public sealed record Topology(
    string Name,
    int Version,
    IReadOnlyList<Node> Nodes,
    IReadOnlyList<Network> Networks,
    IReadOnlyList<Sandbox> Sandboxes,
    IReadOnlyList<Service> Services,
    string SourceFile)
{
    public Node Node(string name) => Nodes.First(n => n.Name == name);
    public Network Network(string name) => Networks.First(n => n.Name == name);
    public Sandbox Sandbox(string name) => Sandboxes.First(s => s.Name == name);

    /// <summary>The nodes a network is present on: explicit <c>nodes:</c>, else the nodes of its attached sandboxes.</summary>
    public IReadOnlyList<string> NodesOf(Network network) =>
        network.Nodes ?? Sandboxes
            .Where(s => s.Endpoints.Any(e => e.Network == network.Name))
            .Select(s => s.Node)
            .Distinct()
            .ToList();
}

public enum Connection { Ssh, Local }

public sealed record Node(
    string Name,
    IPAddress? Address,
    Connection Connection,
    SshSettings Ssh,
    SourceSpan At);

/// <summary>SSH settings after merging <c>defaults.ssh</c> and the node's own <c>ssh:</c>. Paths are absolute.</summary>
public sealed record SshSettings(
    string? Host,
    string? User,
    int? Port,
    string? IdentityFile,
    string? KnownHostsFile,
    string? ConfigFile,
    bool Sudo);

public enum Driver { Bridge, Overlay, Macvlan, Ipvlan }

public sealed record Network(
    string Name,
    Driver Driver,
    IPNetwork Subnet,
    IPAddress Gateway,
    IPNetwork IpRange,
    IReadOnlyDictionary<string, IPAddress> AuxAddresses,
    bool Internal,
    bool Masquerade,
    bool Icc,
    int? Mtu,
    IReadOnlyList<string>? Nodes,
    int? Vni,
    string? Parent,
    string? Mode,
    SourceSpan At);

public sealed record Sandbox(
    string Name,
    string Node,
    string Hostname,
    IReadOnlyList<Endpoint> Endpoints,
    IReadOnlyList<PortMapping> Ports,
    IReadOnlyList<IPAddress> Dns,
    IReadOnlyList<string> DnsSearch,
    SourceSpan At);

/// <summary>A sandbox's attachment to a network. <see cref="InterfaceName"/> is already defaulted (eth0, eth1, ...).</summary>
public sealed record Endpoint(
    string Network,
    string InterfaceName,
    IPAddress? Ipv4Address,
    IReadOnlyList<string> Aliases,
    string? MacAddress,
    SourceSpan At);

public enum PortProtocol { Tcp, Udp, Sctp }

/// <summary>A published port range: host ports [HostStart..HostEnd] map to [TargetStart..TargetEnd]. Equal lengths.</summary>
public sealed record PortMapping(
    IPAddress? HostIp,
    int HostStart,
    int HostEnd,
    int TargetStart,
    int TargetEnd,
    PortProtocol Protocol,
    SourceSpan At);

public enum ServiceMode { Ingress, Host }

public sealed record Service(
    string Name,
    string Network,
    IReadOnlyList<string> Backends,
    IReadOnlyList<PortMapping> Ports,
    ServiceMode Mode,
    SourceSpan At);
