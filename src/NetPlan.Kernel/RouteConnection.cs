using System.Net;
using NetPlan.Kernel.Addresses;
using NetPlan.Kernel.Links;
using NetPlan.Kernel.Neighbours;
using NetPlan.Kernel.Netlink;
using NetPlan.Kernel.Routes;

namespace NetPlan.Kernel;

/// <summary>
/// Typed rtnetlink operations on one NETLINK_ROUTE socket, i.e. in one network namespace.
/// Every method names what it does in the error it throws (<see cref="KernelException"/>),
/// e.g. "creating veth web0: File exists (kernel: ...)".
/// </summary>
public sealed class RouteConnection(NetlinkSocket socket) : IDisposable
{
    public NetlinkSocket Socket { get; } = socket;

    /// <summary>Opens a connection in the caller's namespace, or in the namespace at <paramref name="netnsPath"/>.</summary>
    public static RouteConnection Open(string? netnsPath = null) =>
        new(netnsPath is null
            ? NetlinkSocket.Open(NetlinkSocket.NETLINK_ROUTE)
            : NetlinkSocket.OpenIn(netnsPath, NetlinkSocket.NETLINK_ROUTE));

    // ---- links ----

    /// <summary>
    /// Creates a link. Note: the kernel ignores IFLA_IFALIAS in a create message (checked on
    /// 6.18, for the link and a veth peer alike): write an alias with <see cref="SetLink(string, LinkChange, string)"/> afterwards.
    /// </summary>
    public void CreateLink(NewLink link, string description) => Socket.Request(LinkMessages.Create(link), description);

    public void SetLink(int index, LinkChange change, string description) => Socket.Request(LinkMessages.Set(index, change), description);

    public void SetLink(string name, LinkChange change, string description) => Socket.Request(LinkMessages.Set(name, change), description);

    public void DeleteLink(int index, string description) => Socket.Request(LinkMessages.Delete(index), description);

    public void DeleteLink(string name, string description) => Socket.Request(LinkMessages.Delete(name), description);

    public void DeleteLinkGroup(uint group, string description) => Socket.Request(LinkMessages.DeleteGroup(group), description);

    public List<LinkInfo> Links() => Decode(Socket.Dump(LinkMessages.Dump(), "listing links"), LinkInfo.Decode);

    public List<LinkInfo> LinksOfKind(string kind) => Decode(Socket.Dump(LinkMessages.DumpKind(kind), $"listing {kind} links"), LinkInfo.Decode);

    /// <summary>The link named <paramref name="name"/>, or null when there is none.</summary>
    public LinkInfo? Link(string name)
    {
        try
        {
            return LinkInfo.Decode(Socket.Get(LinkMessages.Get(name), $"looking up link {name}"));
        }
        catch (KernelException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    /// <summary>ifindex of <paramref name="name"/>; throws a readable error naming <paramref name="role"/> when it is missing.</summary>
    public int IndexOf(string name, string role) =>
        Link(name)?.Index ?? throw new KernelException($"{role}: no link named {name}", 19 /* ENODEV */);

    /// <summary>The id this namespace gives the namespace open at <paramref name="netnsFd"/>, or null when none is assigned.</summary>
    public int? NetnsId(int netnsFd)
    {
        var reply = Socket.Get(LinkMessages.GetNetnsId(netnsFd), "reading a network namespace id");
        foreach (var (type, value) in reply.Attributes(4).All())
            if (type == Ifla.NETNSA_NSID)
            {
                var id = AttributeValue.S32(value);
                return id == Ifla.NetnsIdNotAssigned ? null : id;
            }
        return null;
    }

    // ---- addresses ----

    public void AddAddress(int index, IPAddress address, int prefixLength, byte? protocol, string description) =>
        Socket.Request(AddressMessages.Add(index, address, prefixLength, protocol), description);

    public void DeleteAddress(int index, IPAddress address, int prefixLength, string description) =>
        Socket.Request(AddressMessages.Delete(index, address, prefixLength), description);

    public List<AddressInfo> Addresses(int index = 0) => Decode(Socket.Dump(AddressMessages.Dump(index), "listing addresses"), AddressInfo.Decode);

    // ---- routes ----

    public void AddRoute(RouteSpec route, string description) => Socket.Request(RouteMessages.Add(route), description);

    public void DeleteRoute(RouteSpec route, string description) => Socket.Request(RouteMessages.Delete(route), description);

    public List<RouteInfo> Routes(uint table = RouteMessages.RT_TABLE_MAIN, byte protocol = 0) =>
        Decode(Socket.Dump(RouteMessages.Dump(table, protocol), "listing routes"), RouteInfo.Decode)
            // Without strict checking (old kernels) the filter is ignored; apply it here too.
            .Where(r => r.Table == table && (protocol == 0 || r.Protocol == protocol)).ToList();

    // ---- neighbours and FDB ----

    public void ReplaceNeighbour(int index, IPAddress address, string mac, string description) =>
        Socket.Request(NeighbourMessages.ReplacePermanent(index, address, mac), description);

    public void DeleteNeighbour(int index, IPAddress address, string description) =>
        Socket.Request(NeighbourMessages.Delete(index, address), description);

    public void AppendFdb(int index, string mac, IPAddress destination, string description) =>
        Socket.Request(NeighbourMessages.AppendFdb(index, mac, destination), description);

    public void DeleteFdb(int index, string mac, IPAddress destination, string description) =>
        Socket.Request(NeighbourMessages.DeleteFdb(index, mac, destination), description);

    /// <summary>IPv4 and IPv6 neighbours in one dump (AF_UNSPEC walks every neighbour table; the bridge FDB is separate).</summary>
    public List<NeighbourInfo> Neighbours() =>
        Decode(Socket.Dump(NeighbourMessages.Dump(0), "listing neighbours"), NeighbourInfo.Decode);

    public List<NeighbourInfo> FdbEntries() =>
        Decode(Socket.Dump(NeighbourMessages.Dump(NeighbourMessages.AF_BRIDGE), "listing bridge FDB entries"), NeighbourInfo.Decode);

    private static List<T> Decode<T>(List<NetlinkMessage> replies, Func<NetlinkMessage, T?> decode) where T : class
    {
        var result = new List<T>(replies.Count);
        foreach (var reply in replies)
            if (decode(reply) is { } item) result.Add(item);
        return result;
    }

    public void Dispose() => Socket.Dispose();
}
