using System.Runtime.ExceptionServices;
using NetPlan.Kernel;
using NetPlan.Kernel.Addresses;
using NetPlan.Kernel.Links;
using NetPlan.Kernel.Namespaces;
using NetPlan.Kernel.Neighbours;
using NetPlan.Kernel.Routes;

namespace NetPlan.Agent.Observe;

/// <summary>
/// What one namespace holds, read with one dump per object kind (never one request per object):
/// observing 1000 sandboxes costs a few thousand dumps, not a few per link. Each kind is read
/// once, when first asked for, and then kept: a snapshot is one moment of the namespace.
/// </summary>
internal sealed class NamespaceSnapshot
{
    private List<AddressInfo>? _addresses;
    private List<RouteInfo>? _routes;
    private List<NeighbourInfo>? _neighbours;

    public required string Namespace { get; init; }
    public required RouteConnection Connection { get; init; }
    public required List<LinkInfo> Links { get; init; }
    public required Dictionary<int, LinkInfo> ByIndex { get; init; }

    /// <summary>
    /// The id this namespace gives the host namespace, read by <see cref="TakeAll"/> when some link
    /// here has its other end in another namespace; null when there is none or it was not read.
    /// </summary>
    public int? HostNsid { get; private set; }

    public static NamespaceSnapshot Take(string ns, RouteConnection connection)
    {
        var links = connection.Links();
        return new NamespaceSnapshot
        {
            Namespace = ns,
            Connection = connection,
            Links = links,
            ByIndex = links.ToDictionary(l => l.Index),
        };
    }

    /// <summary>
    /// Links, addresses, routes, neighbours and <see cref="HostNsid"/> of each of
    /// <paramref name="namespaces"/> (open in <paramref name="connections"/>), read on every CPU:
    /// each namespace has a socket of its own, and recent kernels (6.9 on) serve these dumps
    /// without their global lock.
    /// </summary>
    public static List<NamespaceSnapshot> TakeAll(IReadOnlyList<string> namespaces, NamespaceConnections connections)
    {
        var snapshots = new NamespaceSnapshot[namespaces.Count];
        using var hostFd = connections.OpenFd("");
        var host = (int)hostFd.DangerousGetHandle();
        try
        {
            Parallel.For(0, namespaces.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            {
                var snapshot = Take(namespaces[i], connections.For(namespaces[i]));
                if (snapshot.Links.Any(l => l.LinkNetnsId is not null)) snapshot.HostNsid = snapshot.Connection.NetnsId(host);
                snapshot.Addresses();
                snapshot.Routes();
                snapshot.Neighbours();
                snapshots[i] = snapshot;
            });
        }
        catch (AggregateException e)
        {
            ExceptionDispatchInfo.Throw(e.InnerExceptions[0]); // as a serial read would have thrown it
        }
        return [.. snapshots];
    }

    public string? NameOf(int index) => ByIndex.TryGetValue(index, out var link) ? link.Name : null;

    public List<AddressInfo> Addresses() => _addresses ??= Connection.Addresses();

    /// <summary>The main table's routes: all of them, or (not kept) those of one <paramref name="protocol"/>.</summary>
    public List<RouteInfo> Routes(byte protocol = 0) => protocol == 0
        ? _routes ??= Connection.Routes(RouteMessages.RT_TABLE_MAIN)
        : Connection.Routes(RouteMessages.RT_TABLE_MAIN, protocol);

    public List<NeighbourInfo> Neighbours() => _neighbours ??= Connection.Neighbours();

    public List<NeighbourInfo> Fdb() => Connection.FdbEntries();
}
