namespace NetPlan.Kernel.Links;

/// <summary>Link message types and attribute numbers (linux/rtnetlink.h, linux/if_link.h).</summary>
public static class Ifla
{
    public const ushort RTM_NEWLINK = 16, RTM_DELLINK = 17, RTM_GETLINK = 18, RTM_SETLINK = 19;
    public const ushort RTM_NEWNSID = 88, RTM_GETNSID = 90;

    public const int IfInfoSize = 16;
    public const uint IFF_UP = 0x1, IFF_LOOPBACK = 0x8;

    public const ushort ADDRESS = 1, IFNAME = 3, MTU = 4, LINK = 5, MASTER = 10, LINKINFO = 18, IFALIAS = 20,
        EXT_MASK = 29, NET_NS_FD = 28, GROUP = 27, LINK_NETNSID = 37;

    public const ushort INFO_KIND = 1, INFO_DATA = 2;

    public const ushort VETH_INFO_PEER = 1;

    public const ushort VXLAN_ID = 1, VXLAN_LINK = 3, VXLAN_LOCAL = 4, VXLAN_TTL = 5, VXLAN_LEARNING = 7,
        VXLAN_PROXY = 11, VXLAN_PORT = 15, VXLAN_LOCAL6 = 17;

    public const ushort MACVLAN_MODE = 1;
    public const ushort IPVLAN_MODE = 1, IPVLAN_FLAGS = 2;
    public const ushort VLAN_ID = 1;

    public const uint RTEXT_FILTER_VF = 1, RTEXT_FILTER_SKIP_STATS = 8;

    public const ushort NETNSA_NSID = 1, NETNSA_FD = 3;
    public const int NetnsIdNotAssigned = -1;
}

/// <summary>The kernel's macvlan and ipvlan modes, by the names `ip link` uses.</summary>
public static class SubInterfaceModes
{
    private static readonly (string Name, uint Value)[] Macvlan =
        [("private", 1), ("vepa", 2), ("bridge", 4), ("passthru", 8), ("source", 16)];
    private static readonly (string Name, ushort Value)[] Ipvlan = [("l2", 0), ("l3", 1), ("l3s", 2)];

    public static uint MacvlanValue(string mode) =>
        Macvlan.FirstOrDefault(m => m.Name == mode) is { Name: not null } m
            ? m.Value
            : throw new ArgumentException($"unknown macvlan mode '{mode}' (expected {string.Join(", ", Macvlan.Select(x => x.Name))})");

    public static string MacvlanName(uint value) =>
        Macvlan.FirstOrDefault(m => m.Value == value).Name ?? $"mode-{value}";

    public static ushort IpvlanValue(string mode) =>
        Ipvlan.FirstOrDefault(m => m.Name == mode) is { Name: not null } m
            ? m.Value
            : throw new ArgumentException($"unknown ipvlan mode '{mode}' (expected {string.Join(", ", Ipvlan.Select(x => x.Name))})");

    public static string IpvlanName(ushort value) =>
        Ipvlan.FirstOrDefault(m => m.Value == value).Name ?? $"mode-{value}";
}
