using NetPlan.Kernel;
using NetPlan.Kernel.Addresses;
using NetPlan.Kernel.Links;
using NetPlan.Kernel.Neighbours;
using NetPlan.Kernel.Routes;

namespace NetPlan.Agent.Observe;

/// <summary>
/// What one namespace holds, read with one dump per object kind (never one request per object):
/// observing 1000 sandboxes costs a few thousand dumps, not a few per link.
/// </summary>
internal sealed class NamespaceSnapshot
{
    public required string Namespace { get; init; }
    public required RouteConnection Connection { get; init; }
    public required List<LinkInfo> Links { get; init; }
    public required Dictionary<int, LinkInfo> ByIndex { get; init; }

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

    public string? NameOf(int index) => ByIndex.TryGetValue(index, out var link) ? link.Name : null;

    public List<AddressInfo> Addresses() => Connection.Addresses();

    public List<RouteInfo> Routes(byte protocol = 0) => Connection.Routes(RouteMessages.RT_TABLE_MAIN, protocol);

    public List<NeighbourInfo> Neighbours() => Connection.Neighbours();

    public List<NeighbourInfo> Fdb() => Connection.FdbEntries();
}
