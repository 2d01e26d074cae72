using System.Net;
using NetPlan.Core.State;
using NetPlan.Kernel.Links;

namespace NetPlan.Agent.Observe;

/// <summary>
/// The one place where kernel values become state-model values, in exactly the form the planner
/// writes them (lower-case MACs, CIDR strings, "default", mode names), so that an applied desired
/// state observes back equal.
/// </summary>
internal static class StateForms
{
    public static LinkKind Kind(string? kernelKind) => kernelKind switch
    {
        "bridge" => LinkKind.Bridge,
        "veth" => LinkKind.Veth,
        "vxlan" => LinkKind.Vxlan,
        "macvlan" => LinkKind.Macvlan,
        "ipvlan" => LinkKind.Ipvlan,
        "dummy" => LinkKind.Dummy,
        "vlan" => LinkKind.Vlan,
        _ => LinkKind.Other,
    };

    public static string KernelKind(LinkKind kind) => kind switch
    {
        LinkKind.Bridge => "bridge",
        LinkKind.Veth => "veth",
        LinkKind.Vxlan => "vxlan",
        LinkKind.Macvlan => "macvlan",
        LinkKind.Ipvlan => "ipvlan",
        LinkKind.Dummy => "dummy",
        LinkKind.Vlan => "vlan",
        _ => throw new ArgumentException($"link kind {kind} cannot be created"),
    };

    /// <summary>"10.10.0.10/24" → address and prefix length, keeping the host bits (IPNetwork would drop them).</summary>
    public static (IPAddress Address, int PrefixLength) ParseCidr(string cidr)
    {
        var slash = cidr.IndexOf('/');
        if (slash > 0 && IPAddress.TryParse(cidr[..slash], out var address) && int.TryParse(cidr[(slash + 1)..], out var prefix)
            && prefix >= 0 && prefix <= (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128))
            return (address, prefix);
        throw new ArgumentException($"'{cidr}' is not an address in CIDR form (like 10.10.0.10/24)");
    }

    public static IPAddress ParseAddress(string text) =>
        IPAddress.TryParse(text, out var address) ? address : throw new ArgumentException($"'{text}' is not an IP address");

    public static string Cidr(IPAddress address, int prefixLength) => $"{address}/{prefixLength}";

    public static VethPeer Peer(string ns, LinkInfo end) => new(ns, end.Name)
    {
        Mtu = end.Mtu,
        Mac = end.Mac,
        Up = end.Up,
        Alias = end.Alias,
    };
}
