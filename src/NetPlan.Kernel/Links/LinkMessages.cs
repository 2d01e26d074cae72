using System.Buffers.Binary;
using System.Net;
using NetPlan.Kernel.Netlink;

namespace NetPlan.Kernel.Links;

/// <summary>
/// Encodes link requests. Attribute order follows iproute2 (`ip link add/set`) so the messages
/// can be compared byte for byte with what `ip` sends: generic attributes, then IFLA_LINK, then
/// IFLA_IFNAME, then IFLA_LINKINFO.
/// </summary>
public static class LinkMessages
{
    private const ushort AckFlags = Nl.F_REQUEST | Nl.F_ACK;

    /// <summary>Equivalent to `ip link add [attrs] name NAME type KIND [data]`.</summary>
    public static MessageWriter Create(NewLink link)
    {
        var m = new MessageWriter(Ifla.RTM_NEWLINK, AckFlags | Nl.F_CREATE | Nl.F_EXCL)
            .Fixed(IfInfo(0, link.Up ? Ifla.IFF_UP : 0, link.Up ? Ifla.IFF_UP : 0));
        if (link.Mtu is { } mtu) m.U32(Ifla.MTU, (uint)mtu);
        if (link.Mac is { } mac) m.Attr(Ifla.ADDRESS, ParseMac(mac));
        if (link.Group is { } group) m.U32(Ifla.GROUP, group);
        if (link.Alias is { } alias) m.Chars(Ifla.IFALIAS, alias);
        if (link.Master is { } master) m.U32(Ifla.MASTER, (uint)master);
        if (link.NetnsFd is { } fd) m.U32(Ifla.NET_NS_FD, (uint)fd);
        if (link.Parent is { } parent) m.U32(Ifla.LINK, (uint)parent);
        m.String(Ifla.IFNAME, link.Name);
        m.BeginNested(Ifla.LINKINFO).Chars(Ifla.INFO_KIND, link.Kind);
        if (link.Data is { } data)
        {
            m.BeginNested(Ifla.INFO_DATA);
            WriteData(m, data);
            m.EndNested();
        }
        return m.EndNested();
    }

    /// <summary>Equivalent to `ip link set dev INDEX [attrs] [up|down]`.</summary>
    public static MessageWriter Set(int index, LinkChange change) => SetMessage(index, null, change);

    /// <summary>Like <see cref="Set(int, LinkChange)"/> but finds the link by name (ifi_index 0 + IFLA_IFNAME), saving a lookup.</summary>
    public static MessageWriter Set(string name, LinkChange change) => SetMessage(0, name, change);

    private static MessageWriter SetMessage(int index, string? name, LinkChange change)
    {
        var m = new MessageWriter(Ifla.RTM_NEWLINK, AckFlags)
            .Fixed(IfInfo(index, change.Up == true ? Ifla.IFF_UP : 0, change.Up is null ? 0 : Ifla.IFF_UP));
        if (change.Mtu is { } mtu) m.U32(Ifla.MTU, (uint)mtu);
        if (change.Mac is { } mac) m.Attr(Ifla.ADDRESS, ParseMac(mac));
        if (change.Group is { } group) m.U32(Ifla.GROUP, group);
        if (change.Alias is { } alias) m.Chars(Ifla.IFALIAS, alias);
        if (change.Master is { } master) m.U32(Ifla.MASTER, (uint)master);
        if (change.NetnsFd is { } fd) m.U32(Ifla.NET_NS_FD, (uint)fd);
        if (name is not null) m.String(Ifla.IFNAME, name);
        return m;
    }

    /// <summary>Equivalent to `ip link del dev INDEX` (deleting one veth end removes both).</summary>
    public static MessageWriter Delete(int index) =>
        new MessageWriter(Ifla.RTM_DELLINK, AckFlags).Fixed(IfInfo(index, 0, 0));

    /// <summary>`ip link del NAME`, addressed by name (ifi_index 0 + IFLA_IFNAME): no lookup first.</summary>
    public static MessageWriter Delete(string name) =>
        new MessageWriter(Ifla.RTM_DELLINK, AckFlags).Fixed(IfInfo(0, 0, 0)).String(Ifla.IFNAME, name);

    /// <summary>Equivalent to `ip link del group N`: every link in the group, in one kernel batch (one RCU wait).</summary>
    public static MessageWriter DeleteGroup(uint group) =>
        new MessageWriter(Ifla.RTM_DELLINK, AckFlags).Fixed(IfInfo(0, 0, 0)).U32(Ifla.GROUP, group);

    /// <summary>Dump of all links, without statistics (IFLA_EXT_MASK as iproute2 sends it).</summary>
    public static MessageWriter Dump() =>
        new MessageWriter(Ifla.RTM_GETLINK, Nl.F_REQUEST | Nl.F_DUMP)
            .Fixed(IfInfo(0, 0, 0))
            .U32(Ifla.EXT_MASK, Ifla.RTEXT_FILTER_SKIP_STATS);

    /// <summary>Dump filtered in the kernel (NETLINK_GET_STRICT_CHK) to the links of one kind, e.g. "vxlan".</summary>
    public static MessageWriter DumpKind(string kind) =>
        Dump().BeginNested(Ifla.LINKINFO).Chars(Ifla.INFO_KIND, kind).EndNested();

    /// <summary>One link by name (`ip link show dev NAME`).</summary>
    public static MessageWriter Get(string name) =>
        new MessageWriter(Ifla.RTM_GETLINK, Nl.F_REQUEST)
            .Fixed(IfInfo(0, 0, 0))
            .U32(Ifla.EXT_MASK, Ifla.RTEXT_FILTER_VF | Ifla.RTEXT_FILTER_SKIP_STATS)
            .String(Ifla.IFNAME, name);

    /// <summary>RTM_GETNSID: the id the socket's namespace gives to the namespace open at <paramref name="netnsFd"/>.</summary>
    public static MessageWriter GetNetnsId(int netnsFd) =>
        new MessageWriter(Ifla.RTM_GETNSID, Nl.F_REQUEST).Fixed(new byte[4]).U32(Ifla.NETNSA_FD, (uint)netnsFd);

    private static void WriteData(MessageWriter m, LinkData data)
    {
        switch (data)
        {
            case VethData veth:
                var p = veth.Peer;
                m.BeginNested(Ifla.VETH_INFO_PEER).Fixed(IfInfo(0, 0, 0));
                if (p.Mtu is { } mtu) m.U32(Ifla.MTU, (uint)mtu);
                if (p.Mac is { } mac) m.Attr(Ifla.ADDRESS, ParseMac(mac));
                if (p.Alias is { } alias) m.Chars(Ifla.IFALIAS, alias);
                if (p.NetnsFd is { } fd) m.U32(Ifla.NET_NS_FD, (uint)fd);
                m.String(Ifla.IFNAME, p.Name).EndNested();
                break;
            case VxlanData vx:
                // iproute2's order (ip/iplink_vxlan.c), kept for byte-exact comparison.
                if (vx.Ttl is { } ttl) m.U8(Ifla.VXLAN_TTL, ttl);
                if (vx.Underlay is { } underlay) m.U32(Ifla.VXLAN_LINK, (uint)underlay);
                if (vx.Proxy) m.U8(Ifla.VXLAN_PROXY, 1);
                m.U32(Ifla.VXLAN_ID, vx.Vni);
                if (vx.Local is { } local)
                    m.Address(local.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? Ifla.VXLAN_LOCAL : Ifla.VXLAN_LOCAL6, local);
                m.U8(Ifla.VXLAN_LEARNING, vx.Learning ? (byte)1 : (byte)0);
                m.U16BigEndian(Ifla.VXLAN_PORT, vx.Port);
                break;
            case MacvlanData mv:
                m.U32(Ifla.MACVLAN_MODE, SubInterfaceModes.MacvlanValue(mv.Mode));
                break;
            case IpvlanData iv:
                m.U16(Ifla.IPVLAN_MODE, SubInterfaceModes.IpvlanValue(iv.Mode));
                m.U16(Ifla.IPVLAN_FLAGS, 0);
                break;
            case VlanData vlan:
                m.U16(Ifla.VLAN_ID, vlan.Id);
                break;
            default:
                throw new ArgumentException($"no encoding for link data {data.GetType().Name}");
        }
    }

    /// <summary>struct ifinfomsg { family AF_UNSPEC, type, index, flags, change }.</summary>
    internal static byte[] IfInfo(int index, uint flags, uint change)
    {
        var b = new byte[Ifla.IfInfoSize];
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(4), index);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(12), change);
        return b;
    }

    /// <summary>"02:42:0a:0a:00:0a" → 6 bytes; a clear error for anything else.</summary>
    public static byte[] ParseMac(string mac)
    {
        var parts = mac.Split(':');
        if (parts.Length != 6 || parts.Any(p => p.Length != 2))
            throw new ArgumentException($"'{mac}' is not a MAC address (expected six hex pairs like 02:42:0a:0a:00:0a)");
        try { return parts.Select(p => Convert.ToByte(p, 16)).ToArray(); }
        catch (FormatException) { throw new ArgumentException($"'{mac}' is not a MAC address (expected six hex pairs like 02:42:0a:0a:00:0a)"); }
    }
}
