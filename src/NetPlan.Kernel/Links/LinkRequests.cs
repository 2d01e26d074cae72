using System.Net;

namespace NetPlan.Kernel.Links;

/// <summary>
/// A link to create (RTM_NEWLINK with CREATE|EXCL). Index-valued fields (<see cref="Master"/>,
/// <see cref="Parent"/>) are ifindexes in the namespace of the socket that sends the request;
/// <see cref="NetnsFd"/> creates the link directly in another namespace.
/// </summary>
public sealed record NewLink(string Name, string Kind)
{
    public int? Mtu { get; init; }
    public string? Mac { get; init; }
    public uint? Group { get; init; }
    /// <summary>Sent as `ip link add ... alias X` does, but the kernel ignores IFLA_IFALIAS on create: set it afterwards.</summary>
    public string? Alias { get; init; }
    public int? Master { get; init; }
    public int? NetnsFd { get; init; }
    /// <summary>IFLA_LINK: the parent of a macvlan/ipvlan/vlan.</summary>
    public int? Parent { get; init; }
    public bool Up { get; init; }
    public LinkData? Data { get; init; }
}

/// <summary>The kind-specific part of a new link (IFLA_INFO_DATA).</summary>
public abstract record LinkData;

/// <summary>The far end of a veth, created in the same request (VETH_INFO_PEER), optionally directly in another namespace.</summary>
public sealed record VethData(VethPeerSpec Peer) : LinkData;

public sealed record VethPeerSpec(string Name)
{
    public int? Mtu { get; init; }
    public string? Mac { get; init; }
    public string? Alias { get; init; }
    public int? NetnsFd { get; init; }
    // No "up": the kernel opens the peer before the pair is linked and answers ENOTCONN
    // (veth_open on 6.18); bring the peer up with a SETLINK afterwards.
}

public sealed record VxlanData(uint Vni, ushort Port) : LinkData
{
    public IPAddress? Local { get; init; }
    /// <summary>Underlay ifindex (IFLA_VXLAN_LINK).</summary>
    public int? Underlay { get; init; }
    /// <summary>Always sent: the kernel default is learning on, NetPlan programs the FDB statically.</summary>
    public bool Learning { get; init; }
    public byte? Ttl { get; init; }
    public bool Proxy { get; init; }
}

public sealed record MacvlanData(string Mode) : LinkData;

public sealed record IpvlanData(string Mode) : LinkData;

public sealed record VlanData(ushort Id) : LinkData;

/// <summary>
/// Changes to an existing link (RTM_NEWLINK without CREATE, as `ip link set` sends). Null leaves
/// an attribute alone; <see cref="Master"/> 0 releases the link from its master, an empty
/// <see cref="Alias"/> clears it.
/// </summary>
public sealed record LinkChange
{
    public int? Mtu { get; init; }
    public string? Mac { get; init; }
    public uint? Group { get; init; }
    public string? Alias { get; init; }
    public int? Master { get; init; }
    public int? NetnsFd { get; init; }
    public bool? Up { get; init; }

    public bool IsEmpty => this == new LinkChange();
}
