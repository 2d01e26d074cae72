namespace NetPlan.Core.State;

/// <summary>Everything on one host that a plan talks about, desired or observed, keyed by <see cref="StateObject.Key"/>.</summary>
public sealed record HostState(IReadOnlyList<StateObject> Objects)
{
    public static readonly HostState Empty = new(Array.Empty<StateObject>());

    public IReadOnlyDictionary<string, StateObject> ByKey() => Objects.ToDictionary(o => o.Key);
}

/// <summary>
/// What the observer must look at: the objects owned by <see cref="Owner"/> wherever they are, plus
/// the foreign objects that could be in the way of the desired state (same namespace names, same
/// link names, the parents and underlays named, the files named).
/// </summary>
public sealed record ObserveScope(
    string Owner,
    IReadOnlyList<string> Namespaces,
    IReadOnlyList<string> HostLinks,
    IReadOnlyList<string> Files,
    IReadOnlyList<SysctlRef> Sysctls)
{
    /// <summary>nftables tables to read as <c>family/name</c> (<c>inet/netplan-shop</c>), owned or not: a foreign one of the same name is in the way.
    /// An older client sends no such field; the JSON source generator then assigns null, read as none.</summary>
    public IReadOnlyList<string> FirewallTables { get => _firewallTables; init => _firewallTables = value ?? []; }
    private readonly IReadOnlyList<string> _firewallTables = [];
}

/// <summary>A sysctl to read: dotted name in a namespace ("" = host).</summary>
public sealed record SysctlRef(string Namespace, string Name);

/// <summary>Facts about a host that are not objects NetPlan manages but that planning needs.</summary>
public sealed record HostFacts(
    string AgentVersion,
    string KernelRelease,
    IReadOnlyList<LinkKind> SupportedLinkKinds,
    IReadOnlyList<HostInterface> Interfaces)
{
    /// <summary>The host's own resolvers (its /etc/resolv.conf), for sandboxes that declare no <c>dns:</c>.</summary>
    public IReadOnlyList<string> Nameservers { get; init; } = [];
}

/// <summary>An interface in the host namespace as seen by the agent (for underlay MTU, macvlan parents, addresses).</summary>
public sealed record HostInterface(string Name, int Mtu, bool Up, IReadOnlyList<string> Addresses);

/// <summary>The result of observing one host.</summary>
public sealed record Observation(HostFacts Facts, HostState State);
