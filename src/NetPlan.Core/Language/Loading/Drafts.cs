using System.Net;

namespace NetPlan.Core.Language.Loading;

// What the binder read, with positions, before cross-checks. Fields are null when absent or when
// the value was unusable (its error is already reported), so later rules simply skip them.

internal sealed class SshDraft
{
    public Located<string>? Host, User, IdentityFile, KnownHostsFile, ConfigFile;
    public Located<long>? Port;
    public Located<bool>? Sudo;
    public SourceSpan? At;
}

internal sealed class NodeDraft(string name, SourceSpan at)
{
    public string Name { get; } = name;
    public SourceSpan At { get; } = at;
    public Located<IPAddress>? Address;
    /// <summary>An address key was written, even if its value was unusable (already reported).</summary>
    public bool AddressWritten;
    public Located<Connection>? Connection;
    public SshDraft? Ssh;
    public Connection EffectiveConnection => Connection?.Value ?? global::NetPlan.Core.Language.Connection.Ssh;
}

internal sealed class NetworkDraft(string name, SourceSpan at)
{
    public string Name { get; } = name;
    public SourceSpan At { get; } = at;
    public Located<Driver>? Driver;
    public Located<IPNetwork>? Subnet;
    public Located<IPAddress>? Gateway;
    public Located<IPNetwork>? IpRange;
    public List<(string Name, Located<IPAddress> Address)> Aux = [];
    public Located<bool>? Internal, Masquerade, Icc;
    public Located<long>? Mtu, Vni;
    public List<Located<string>>? Nodes;
    public Located<string>? Parent, Mode;
    /// <summary>A parent key was written, even if its value was unusable (already reported).</summary>
    public bool ParentWritten;
    public Driver EffectiveDriver => Driver?.Value ?? global::NetPlan.Core.Language.Driver.Bridge;
    public bool IsInternal => Internal?.Value ?? false;
}

internal sealed class EndpointDraft(Located<string> network)
{
    public Located<string> Network { get; } = network;
    public Located<IPAddress>? Ipv4Address;
    public List<Located<string>> Aliases = [];
    public Located<string>? MacAddress, InterfaceName;
}

internal sealed class SandboxDraft(string name, SourceSpan at)
{
    public string Name { get; } = name;
    public SourceSpan At { get; } = at;
    public Located<string>? Node, Hostname;
    public List<EndpointDraft> Endpoints = [];
    public List<PortMapping> Ports = [];
    public SourceSpan? PortsAt;
    public List<IPAddress> Dns = [];
    public List<string> DnsSearch = [];
}

internal sealed class ServiceDraft(string name, SourceSpan at)
{
    public string Name { get; } = name;
    public SourceSpan At { get; } = at;
    public Located<string>? Network;
    public List<Located<string>> Backends = [];
    public List<PortMapping> Ports = [];
    public SourceSpan? PortsAt;
    public Located<ServiceMode>? Mode;
}

internal sealed class TopologyDraft
{
    public Located<long>? Version;
    public Located<string>? Name;
    public SshDraft? DefaultSsh;
    public List<NodeDraft> Nodes = [];
    public List<NetworkDraft> Networks = [];
    public List<SandboxDraft> Sandboxes = [];
    public List<ServiceDraft> Services = [];
}
