namespace NetPlan.Core.Planning;

/// <summary>
/// Diagnostic codes of errors found while planning (after the topology validated): the NP09xx range.
/// Stable like every code: users and tests key on them.
/// </summary>
public static class PlanCodes
{
    /// <summary>A node of the topology was not observed, so it cannot be planned.</summary>
    public const string NodeNotObserved = "NP0901";
    /// <summary>A network has no free address left for a dynamic endpoint.</summary>
    public const string AddressesExhausted = "NP0902";
    /// <summary>Two endpoints of a network ask for the same static address.</summary>
    public const string DuplicateAddress = "NP0903";
    /// <summary>A network's subnet is not IPv4 (the only family the planner allocates).</summary>
    public const string UnsupportedAddressFamily = "NP0904";
    /// <summary>A node's kernel lacks a link kind a network needs.</summary>
    public const string LinkKindUnsupported = "NP0905";
    /// <summary>An overlay network on a node without an address (the VXLAN local endpoint).</summary>
    public const string NodeAddressMissing = "NP0906";
    /// <summary>No interface on the node holds the node's address, so the underlay MTU is unknown.</summary>
    public const string UnderlayNotFound = "NP0907";
    /// <summary>An explicit MTU does not fit the underlay (overlay) or the parent (macvlan/ipvlan).</summary>
    public const string MtuTooLarge = "NP0908";
    /// <summary>The parent interface of a macvlan/ipvlan network does not exist on the node.</summary>
    public const string ParentMissing = "NP0909";
    /// <summary>An object NetPlan would create exists and is not owned by this topology.</summary>
    public const string ForeignObject = "NP0910";
    /// <summary>Two overlay networks of the topology declare the same VNI.</summary>
    public const string DuplicateVni = "NP0911";
    /// <summary>
    /// A load-balanced service (`services:`): validated, but no version builds it yet. Planning
    /// refuses rather than quietly leave out what the file asks for.
    /// </summary>
    public const string ServicesNotBuilt = "NP0912";
    /// <summary>A sandbox publishes ports but has no endpoint they could lead to (an IPv4 address on a non-internal bridge or overlay network).</summary>
    public const string PortsWithoutTarget = "NP0913";
}
