using System.Text.Json.Serialization;

namespace NetPlan.Core.State;

// One typed model for desired and observed state (the nmstate lesson). The planner compiles a
// topology into these objects; the agent reports what the kernel holds in the same objects; the
// diff compares them by Key. Objects are immutable records with value equality, so "nothing to do"
// is simply desired == observed.
//
// Namespace "" is the host: the network namespace the agent runs in. Any other namespace name is a
// named namespace under /run/netns (a sandbox), exactly what `ip netns` shows.

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(NamespaceObject), "namespace")]
[JsonDerivedType(typeof(LinkObject), "link")]
[JsonDerivedType(typeof(AddressObject), "address")]
[JsonDerivedType(typeof(RouteObject), "route")]
[JsonDerivedType(typeof(NeighbourObject), "neighbour")]
[JsonDerivedType(typeof(FdbObject), "fdb")]
[JsonDerivedType(typeof(SysctlObject), "sysctl")]
[JsonDerivedType(typeof(FileObject), "file")]
[JsonDerivedType(typeof(FirewallTableObject), "firewall_table")]
public abstract record StateObject
{
    /// <summary>Stable identity used by the diff, e.g. <c>link:web/eth0</c>. Unique within a host.</summary>
    [JsonIgnore]
    public abstract string Key { get; }

    /// <summary>The topology that owns the object, or null for a foreign object (observed only, never changed).</summary>
    public string? Owner { get; init; }

    /// <summary>How the namespace part of a key reads: the host is <c>@host</c>.</summary>
    protected static string Ns(string ns) => ns.Length == 0 ? "@host" : ns;
}

/// <summary>A named network namespace (a sandbox). Ownership is marked inside it (see <see cref="Ownership"/>).</summary>
public sealed record NamespaceObject(string Name) : StateObject
{
    public override string Key => $"netns:{Name}";

    /// <summary>Every sandbox has its loopback up; the agent brings it up (and marks it) when it creates the namespace.</summary>
    public bool LoopbackUp { get; init; }
}

public enum LinkKind { Bridge, Veth, Vxlan, Macvlan, Ipvlan, Dummy, Vlan, Other }

/// <summary>
/// A network interface in one namespace. A veth pair is ONE object: the end NetPlan creates it from
/// (normally the host end, enslaved to a bridge) carries the other end in <see cref="Peer"/>; the
/// observer folds the far end into it rather than reporting it separately.
/// </summary>
public sealed record LinkObject(string Namespace, string Name, LinkKind Kind) : StateObject
{
    public override string Key => $"link:{Ns(Namespace)}/{Name}";

    /// <summary>Name of the master (bridge) in the same namespace, or null.</summary>
    public string? Master { get; init; }
    public int? Mtu { get; init; }
    /// <summary>Lower-case colon form, e.g. <c>02:42:0a:0a:00:0a</c>; null means "whatever the kernel picks".</summary>
    public string? Mac { get; init; }
    public bool Up { get; init; }
    /// <summary>IFLA_IFALIAS; NetPlan writes its ownership mark here.</summary>
    public string? Alias { get; init; }
    /// <summary>IFLA_GROUP; NetPlan's links carry the topology's group so teardown can delete in bulk.</summary>
    public uint Group { get; init; }

    public VethPeer? Peer { get; init; }
    public VxlanInfo? Vxlan { get; init; }
    /// <summary>macvlan and ipvlan: the parent in the host namespace and the mode.</summary>
    public SubInterfaceInfo? SubInterface { get; init; }
}

/// <summary>The far end of a veth pair, created together with its near end, directly in its namespace.</summary>
public sealed record VethPeer(string Namespace, string Name)
{
    public int? Mtu { get; init; }
    public string? Mac { get; init; }
    public bool Up { get; init; }
    public string? Alias { get; init; }
}

public sealed record VxlanInfo(uint Vni, string? Local, int Port, bool Learning)
{
    /// <summary>Underlay device (in the host namespace), or null to let the kernel route.</summary>
    public string? UnderlayLink { get; init; }
    public int? Ttl { get; init; }
    /// <summary>
    /// IFLA_VXLAN_PROXY: the device answers ARP from its neighbour table and never floods ARP to
    /// remote VTEPs, so static neighbour entries make remote endpoints resolvable without gossip.
    /// </summary>
    public bool Proxy { get; init; }
}

/// <summary>macvlan (bridge|private|vepa|passthru) or ipvlan (l2|l3|l3s) on a parent in the host namespace.</summary>
public sealed record SubInterfaceInfo(string Parent, string Mode);

/// <summary>An IP address on a link, in CIDR form (<c>10.10.0.10/24</c>).</summary>
public sealed record AddressObject(string Namespace, string Link, string Cidr) : StateObject
{
    public override string Key => $"address:{Ns(Namespace)}/{Link}/{Cidr}";
}

/// <summary>A route in the main table. <see cref="Destination"/> is a CIDR, or <c>default</c>.</summary>
public sealed record RouteObject(string Namespace, string Destination) : StateObject
{
    public override string Key => $"route:{Ns(Namespace)}/{Table}/{Destination}";
    public int Table { get; init; } = 254;
    public string? Gateway { get; init; }
    public string? Device { get; init; }
    public int? Metric { get; init; }
}

/// <summary>A permanent neighbour (ARP) entry: IP → MAC on a link.</summary>
public sealed record NeighbourObject(string Namespace, string Link, string Address, string Mac) : StateObject
{
    public override string Key => $"neighbour:{Ns(Namespace)}/{Link}/{Address}";
}

/// <summary>
/// A static bridge FDB entry on a VXLAN device: MAC → remote VTEP. The all-zero MAC is the
/// flood entry (head-end replication: one entry per remote VTEP).
/// </summary>
public sealed record FdbObject(string Namespace, string Link, string Mac, string Destination) : StateObject
{
    public override string Key => $"fdb:{Ns(Namespace)}/{Link}/{Mac}/{Destination}";
}

/// <summary>A sysctl under /proc/sys, dotted form (<c>net.ipv4.ip_forward</c>), in a namespace.</summary>
public sealed record SysctlObject(string Namespace, string Name, string Value) : StateObject
{
    public override string Key => $"sysctl:{Ns(Namespace)}/{Name}";
}

/// <summary>A small file NetPlan owns, e.g. <c>/etc/netns/web/hosts</c>. Written atomically.</summary>
public sealed record FileObject(string Path, FileText Content) : StateObject
{
    public override string Key => $"file:{Path}";
}

/// <summary>
/// One nftables table NetPlan owns (one per topology per node, family <c>inet</c>), held as a value:
/// its chains and its rules in nft's own syntax (<c>iifname "npb-x" oifname != "npb-x" drop</c>),
/// in evaluation order. The Core never sees netlink; the agent translates these lines to and from
/// the kernel's bytecode, and a rule it cannot read back is reported in a form that never equals
/// a desired one, so hand edits always show as drift. Ownership is the table's comment.
/// </summary>
public sealed record FirewallTableObject(string Family, string Name) : StateObject
{
    public override string Key => $"nftables:{Family}/{Name}";

    public IReadOnlyList<FirewallChain> Chains { get; init; } = [];
    public IReadOnlyList<FirewallRule> Rules { get; init; } = [];

    public bool Equals(FirewallTableObject? other) =>
        other is not null && Family == other.Family && Name == other.Name && Owner == other.Owner
        && Chains.SequenceEqual(other.Chains) && Rules.SequenceEqual(other.Rules);

    public override int GetHashCode() => HashCode.Combine(Family, Name, Owner, Chains.Count, Rules.Count);
}

/// <summary>A base chain: where it hooks in (nft's names: <c>nat</c>/<c>filter</c>, <c>prerouting</c>, ...) and at which priority.</summary>
public sealed record FirewallChain(string Name, string Type, string Hook, int Priority)
{
    /// <summary>What a packet no rule decided meets: NetPlan's chains accept (it only ever adds restrictions).</summary>
    public string Policy { get; init; } = "accept";

    public override string ToString() => $"chain {Name} {{ type {Type} hook {Hook} priority {Priority}; policy {Policy}; }}";
}

/// <summary>A rule of a chain, as nft prints it (without the comment), and the comment naming what it serves.</summary>
public sealed record FirewallRule(string Chain, string Text, string? Comment = null)
{
    public override string ToString() => $"{Chain}: {Text}{(Comment is null ? "" : $" comment \"{Comment}\"")}";
}
