using NetPlan.Core.State;
using NetPlan.Kernel.Links;
using NetPlan.Kernel.Namespaces;

namespace NetPlan.Agent.Observe;

/// <summary>
/// Matches veth ends across namespaces. The kernel reports a veth's peer as (IFLA_LINK = peer
/// ifindex, IFLA_LINK_NETNSID = the peer's namespace as the reporting namespace numbers it).
/// The host's ids for the sandboxes are resolved once (RTM_GETNSID with each sandbox's fd), and
/// only when some host veth crosses namespaces; a sandbox end is matched from the host side.
/// </summary>
internal sealed class VethPairs(NamespaceConnections connections, NamespaceSnapshot host, IReadOnlyList<NamespaceSnapshot> sandboxes)
{
    private Dictionary<int, NamespaceSnapshot>? _sandboxByHostNsid;

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
        NamespaceSnapshot? where;
        if (link.LinkNetnsId is not { } nsid) where = ns;
        else if (ns == host) where = SandboxByHostNsid().GetValueOrDefault(nsid);
        else where = host.ByIndex.TryGetValue(peerIndex, out var hostEnd) && PointsBack(hostEnd, ns, link) ? host : null;
        return where is not null && where.ByIndex.TryGetValue(peerIndex, out var end) ? (where, end) : null;
    }

    private Dictionary<int, NamespaceSnapshot> SandboxByHostNsid()
    {
        if (_sandboxByHostNsid is not null) return _sandboxByHostNsid;
        _sandboxByHostNsid = new Dictionary<int, NamespaceSnapshot>();
        foreach (var sandbox in sandboxes)
        {
            using var fd = connections.OpenFd(sandbox.Namespace);
            if (host.Connection.NetnsId((int)fd.DangerousGetHandle()) is { } id) _sandboxByHostNsid[id] = sandbox;
        }
        return _sandboxByHostNsid;
    }

    /// <summary>
    /// Whether the host link at a sandbox end's peer index is that peer: a veth whose own peer is
    /// this very end. A veth end has one peer, so this needs no id of the host as the sandbox numbers
    /// it (asking cost an RTM_GETNSID and a namespace fd per sandbox); a peer in another sandbox
    /// (not part of the model) never passes.
    /// </summary>
    private bool PointsBack(LinkInfo hostEnd, NamespaceSnapshot sandbox, LinkInfo end) =>
        hostEnd.Kind == "veth" && hostEnd.Link == end.Index && hostEnd.LinkNetnsId is { } id
        && SandboxByHostNsid().GetValueOrDefault(id) == sandbox;
}
