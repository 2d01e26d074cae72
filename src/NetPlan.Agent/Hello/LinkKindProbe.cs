using NetPlan.Core.State;
using NetPlan.Kernel;
using NetPlan.Kernel.Links;
using NetPlan.Kernel.Netlink;

namespace NetPlan.Agent.Hello;

/// <summary>
/// Finds which link kinds the kernel supports by creating one of each in a private namespace that
/// exists only as long as the probe's socket: nothing is mounted, nothing is left behind, and the
/// host's own namespace is never touched. macvlan, ipvlan and vlan need a parent: a veth end.
/// The namespace lives until the probe is disposed, when its owner's work is done: the kernel
/// destroys a namespace and its links in a worker that holds the rtnl lock for about 20 ms, and
/// destroyed right after probing it stalled the dumps of the observation that came next.
/// </summary>
internal sealed class LinkKindProbe : IDisposable
{
    // The socket holds the only reference to the namespace: closing it destroys both.
    private readonly NetlinkSocket _socket;

    private LinkKindProbe(NetlinkSocket socket, IReadOnlyList<LinkKind> supported)
    {
        _socket = socket;
        Supported = supported;
    }

    public IReadOnlyList<LinkKind> Supported { get; }

    public static LinkKindProbe Run()
    {
        var socket = NetlinkSocket.OpenInNewNamespace(NetlinkSocket.NETLINK_ROUTE);
        try
        {
            return new LinkKindProbe(socket, Probe(new RouteConnection(socket)));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => _socket.Dispose();

    private static List<LinkKind> Probe(RouteConnection connection)
    {
        var supported = new List<LinkKind>();
        if (!TryCreate(connection, new NewLink("probe-veth0", "veth") { Data = new VethData(new VethPeerSpec("probe-veth1")) }))
            return supported; // no veth: nothing with a parent can be probed either
        supported.Add(LinkKind.Veth);
        var parent = connection.IndexOf("probe-veth0", "probing link kinds");

        var probes = new (LinkKind Kind, NewLink Link)[]
        {
            (LinkKind.Bridge, new NewLink("probe-br", "bridge")),
            (LinkKind.Vxlan, new NewLink("probe-vx", "vxlan") { Data = new VxlanData(1, 4789) }),
            (LinkKind.Macvlan, new NewLink("probe-mv", "macvlan") { Parent = parent, Data = new MacvlanData("bridge") }),
            (LinkKind.Ipvlan, new NewLink("probe-iv", "ipvlan") { Parent = parent, Data = new IpvlanData("l2") }),
            (LinkKind.Dummy, new NewLink("probe-dummy", "dummy")),
            (LinkKind.Vlan, new NewLink("probe-vlan", "vlan") { Parent = parent, Data = new VlanData(2) }),
        };
        foreach (var (kind, link) in probes)
            if (TryCreate(connection, link)) supported.Add(kind);
        return supported;
    }

    /// <summary>False only for the kernel's "no such link type" answers; anything else is a real error.</summary>
    private static bool TryCreate(RouteConnection connection, NewLink link)
    {
        try
        {
            connection.CreateLink(link, $"probing link kind {link.Kind}");
            return true;
        }
        catch (KernelException e) when (e.IsNotSupported || e.Errno == 22 /* EINVAL on old kernels */)
        {
            return false;
        }
    }
}
