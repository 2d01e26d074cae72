using System.Buffers.Binary;
using System.Net;
using NetPlan.Kernel.Netlink;

namespace NetPlan.Kernel.Links;

/// <summary>One link as the kernel reports it (RTM_NEWLINK in a dump or a get).</summary>
public sealed record LinkInfo(int Index, string Name, uint Flags)
{
    /// <summary>IFLA_INFO_KIND ("bridge", "veth", "vxlan", ...); null for devices without one (lo, most physical NICs).</summary>
    public string? Kind { get; init; }
    public int Mtu { get; init; }
    public string? Mac { get; init; }
    public string? Alias { get; init; }
    public uint Group { get; init; }
    /// <summary>ifindex of the master, 0 when none.</summary>
    public int Master { get; init; }
    /// <summary>IFLA_LINK: a veth's peer, a macvlan's parent, a vxlan has none here (see <see cref="VxlanUnderlay"/>).</summary>
    public int? Link { get; init; }
    /// <summary>IFLA_LINK_NETNSID: the namespace <see cref="Link"/> lives in, as this namespace numbers it; null = same namespace.</summary>
    public int? LinkNetnsId { get; init; }

    public uint? VxlanId { get; init; }
    public IPAddress? VxlanLocal { get; init; }
    public int? VxlanUnderlay { get; init; }
    public ushort? VxlanPort { get; init; }
    public bool VxlanLearning { get; init; }
    public byte? VxlanTtl { get; init; }
    public bool VxlanProxy { get; init; }
    public uint? MacvlanMode { get; init; }
    public ushort? IpvlanMode { get; init; }
    public ushort? VlanId { get; init; }

    public bool Up => (Flags & Ifla.IFF_UP) != 0;
    public bool IsLoopback => (Flags & Ifla.IFF_LOOPBACK) != 0;

    /// <summary>Decodes an RTM_NEWLINK message; null for any other message type.</summary>
    public static LinkInfo? Decode(NetlinkMessage message)
    {
        if (message.Type != Ifla.RTM_NEWLINK || message.Payload.Length < Ifla.IfInfoSize) return null;
        var header = message.Payload.Span;
        var index = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        var attrs = message.Attributes(Ifla.IfInfoSize);
        if (!attrs.TryGetValue(Ifla.IFNAME, out var name)) return null;

        var link = new LinkInfo(index, AttributeValue.String(name), flags)
        {
            Mtu = attrs.TryGetValue(Ifla.MTU, out var mtu) ? (int)AttributeValue.U32(mtu) : 0,
            Mac = attrs.TryGetValue(Ifla.ADDRESS, out var mac) && mac.Length == 6 ? AttributeValue.Mac(mac) : null,
            Alias = attrs.TryGetValue(Ifla.IFALIAS, out var alias) && alias.Length > 0 ? NonEmpty(AttributeValue.String(alias)) : null,
            Group = attrs.TryGetValue(Ifla.GROUP, out var group) ? AttributeValue.U32(group) : 0,
            Master = attrs.TryGetValue(Ifla.MASTER, out var master) ? (int)AttributeValue.U32(master) : 0,
            Link = attrs.TryGetValue(Ifla.LINK, out var parent) ? (int)AttributeValue.U32(parent) : null,
            LinkNetnsId = attrs.TryGetValue(Ifla.LINK_NETNSID, out var nsid) ? AttributeValue.S32(nsid) : null,
        };
        return attrs.TryGetValue(Ifla.LINKINFO, out var info) ? WithLinkInfo(link, info) : link;
    }

    private static LinkInfo WithLinkInfo(LinkInfo link, ReadOnlyMemory<byte> info)
    {
        var parts = new AttributeReader(info);
        if (!parts.TryGetValue(Ifla.INFO_KIND, out var kindValue)) return link;
        var kind = AttributeValue.String(kindValue);
        link = link with { Kind = kind };
        if (!parts.TryGetValue(Ifla.INFO_DATA, out var dataValue)) return link;
        var data = new AttributeReader(dataValue);
        return kind switch
        {
            "vxlan" => link with
            {
                VxlanId = data.TryGetValue(Ifla.VXLAN_ID, out var id) ? AttributeValue.U32(id) : null,
                VxlanLocal = data.TryGetValue(Ifla.VXLAN_LOCAL, out var local) ? AttributeValue.Address(local)
                    : data.TryGetValue(Ifla.VXLAN_LOCAL6, out var local6) ? AttributeValue.Address(local6) : null,
                VxlanUnderlay = data.TryGetValue(Ifla.VXLAN_LINK, out var under) && AttributeValue.U32(under) != 0 ? (int)AttributeValue.U32(under) : null,
                VxlanPort = data.TryGetValue(Ifla.VXLAN_PORT, out var port) ? AttributeValue.U16BigEndian(port) : null,
                VxlanLearning = data.TryGetValue(Ifla.VXLAN_LEARNING, out var learning) && AttributeValue.U8(learning) != 0,
                VxlanTtl = data.TryGetValue(Ifla.VXLAN_TTL, out var ttl) && AttributeValue.U8(ttl) != 0 ? AttributeValue.U8(ttl) : null,
                VxlanProxy = data.TryGetValue(Ifla.VXLAN_PROXY, out var proxy) && AttributeValue.U8(proxy) != 0,
            },
            "macvlan" => link with { MacvlanMode = data.TryGetValue(Ifla.MACVLAN_MODE, out var mode) ? AttributeValue.U32(mode) : null },
            "ipvlan" => link with { IpvlanMode = data.TryGetValue(Ifla.IPVLAN_MODE, out var mode) ? AttributeValue.U16(mode) : null },
            "vlan" => link with { VlanId = data.TryGetValue(Ifla.VLAN_ID, out var vid) ? AttributeValue.U16(vid) : null },
            _ => link,
        };
    }

    private static string? NonEmpty(string s) => s.Length == 0 ? null : s;
}
