using NetPlan.Core.State;
using NetPlan.Kernel.Links;

namespace NetPlan.Agent.Observe;

/// <summary>
/// Matches veth ends across namespaces. The kernel reports a veth's peer as (IFLA_LINK = peer
/// ifindex, IFLA_LINK_NETNSID = the peer's namespace as the reporting namespace numbers it).
/// Pairs are found from the sandbox side: a sandbox end whose peer namespace is the host (its
/// <see cref="NamespaceSnapshot.HostNsid"/>) has the host link at its peer index as its other end,
/// and that host link has it, since a pair is symmetric. (From the host side, each sandbox's id had to
/// be asked for with a descriptor of it, and the kernel looks an id up by scanning every id the host
/// has given: with 1000 sandboxes that was a tenth of a no-op plan.)
/// </summary>
internal sealed class VethPairs(NamespaceSnapshot host, IReadOnlyList<NamespaceSnapshot> sandboxes)
{
    private Dictionary<int, (NamespaceSnapshot Ns, LinkInfo End)>? _sandboxEndByHostIndex;

    /// <summary>Which host links the observation reports (a sandbox end folds into its host end only when that is reported).</summary>
    public Func<int, bool> HostReported { get; set; } = _ => false;

    public VethPeer? PeerOf(NamespaceSnapshot ns, LinkInfo link) =>
        FarEnd(ns, link) is { } far ? StateForms.Peer(far.Ns.Namespace, far.End) : null;

    /// <summary>
    /// True when this veth end is reported inside its pair's other end instead of on its own:
    /// a sandbox end whose peer is a reported host link, or the lower-ifindex end of a pair whose
    /// both ends sit in one namespace (the end created by the request has the higher index).
    /// </summary>
    public bool IsFoldedAway(NamespaceSnapshot ns, LinkInfo link, Func<int, bool> reportedHere)
    {
        if (link.Kind != "veth" || FarEnd(ns, link) is not { } far) return false;
        if (far.Ns == ns) return reportedHere(far.End.Index) && link.Index < far.End.Index;
        return ns != host && far.Ns == host && HostReported(far.End.Index);
    }

    private (NamespaceSnapshot Ns, LinkInfo End)? FarEnd(NamespaceSnapshot ns, LinkInfo link)
    {
        if (link.Kind != "veth" || link.Link is not { } peerIndex) return null;
        if (link.LinkNetnsId is not { } nsid)
            return ns.ByIndex.TryGetValue(peerIndex, out var sameNs) ? (ns, sameNs) : null;
        if (ns == host)
            return SandboxEndByHostIndex().TryGetValue(link.Index, out var sandboxEnd) ? sandboxEnd : null;
        // A peer in another sandbox is not part of the model.
        return nsid == ns.HostNsid && host.ByIndex.TryGetValue(peerIndex, out var hostEnd) ? (host, hostEnd) : null;
    }

    private Dictionary<int, (NamespaceSnapshot Ns, LinkInfo End)> SandboxEndByHostIndex()
    {
        if (_sandboxEndByHostIndex is not null) return _sandboxEndByHostIndex;
        _sandboxEndByHostIndex = [];
        foreach (var sandbox in sandboxes)
            foreach (var end in sandbox.Links)
                if (end.Kind == "veth" && end.LinkNetnsId is { } nsid && nsid == sandbox.HostNsid && end.Link is { } hostIndex)
                    _sandboxEndByHostIndex[hostIndex] = (sandbox, end);
        return _sandboxEndByHostIndex;
    }
}
