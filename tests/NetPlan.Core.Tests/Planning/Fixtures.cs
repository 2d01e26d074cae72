using System.Net;
using NetPlan.Core.State;
using NetPlan.Core.Language;

namespace NetPlan.Core.Tests.Planning;

/// <summary>Builds validated-model topologies directly (the loader is tested on its own).</summary>
internal static class Fixtures
{
    public static readonly LinkKind[] AllKindsButIpvlan =
        [LinkKind.Bridge, LinkKind.Veth, LinkKind.Vxlan, LinkKind.Macvlan];

    // Positions derived from the name, so golden files do not depend on test order.
    private static SourceSpan At(string name) => new("topology.yml", 1 + name.Sum(c => c) % 97, 3);

    public static Node Node(string name, string? address = null) =>
        new(name, address is null ? null : IPAddress.Parse(address), address is null ? Connection.Local : Connection.Ssh,
            new SshSettings(null, null, null, null, null, null, false), At("node " + name));

    public static Network Network(
        string name, Driver driver, string subnet, string? gateway = null, string? ipRange = null,
        bool @internal = false, int? mtu = null, int? vni = null, string? parent = null, string? mode = null,
        IReadOnlyDictionary<string, string>? aux = null, IReadOnlyList<string>? nodes = null)
    {
        var net = IPNetwork.Parse(subnet);
        var gw = gateway is null ? Next(net.BaseAddress) : IPAddress.Parse(gateway);
        return new Network(name, driver, net, gw, ipRange is null ? net : IPNetwork.Parse(ipRange),
            (aux ?? new Dictionary<string, string>()).ToDictionary(kv => kv.Key, kv => IPAddress.Parse(kv.Value)),
            @internal, Masquerade: !@internal, Icc: true, mtu, nodes, vni, parent, mode, At("network " + name));
    }

    public static Network Bridge(string name, string subnet, string? gateway = null, string? ipRange = null,
        bool @internal = false, int? mtu = null, IReadOnlyDictionary<string, string>? aux = null) =>
        Network(name, Driver.Bridge, subnet, gateway, ipRange, @internal, mtu, aux: aux);

    public static Network Overlay(string name, string subnet, int? vni = null, int? mtu = null, bool @internal = false) =>
        Network(name, Driver.Overlay, subnet, mtu: mtu, vni: vni, @internal: @internal);

    public static Endpoint Ep(string network, string? ip = null, string? ifname = null, string? mac = null) =>
        new(network, ifname ?? "", ip is null ? null : IPAddress.Parse(ip), [], mac, At("endpoint " + network + ip));

    public static Sandbox Sandbox(string name, string node, params Endpoint[] endpoints) =>
        new(name, node, name,
            endpoints.Select((e, i) => e.InterfaceName.Length > 0 ? e : e with { InterfaceName = $"eth{i}" }).ToList(),
            [], [], [], At("sandbox " + name));

    public static NetPlan.Core.Language.Topology Topo(string name, IEnumerable<Node> nodes, IEnumerable<Network> networks, IEnumerable<Sandbox> sandboxes) =>
        new(name, 1, nodes.ToList(), networks.ToList(), sandboxes.ToList(), [], "topology.yml");

    public static HostFacts Facts(IEnumerable<LinkKind>? kinds = null, params HostInterface[] interfaces) =>
        new("0.1.0", "6.18.0", (kinds ?? AllKindsButIpvlan).ToList(), interfaces.ToList());

    public static Observation Observed(HostState? state = null, HostFacts? facts = null) =>
        new(facts ?? Facts(), state ?? HostState.Empty);

    /// <summary>Every node observed empty, with an underlay eth0 (mtu 1500) holding the node's address.</summary>
    public static Dictionary<string, Observation> EmptyHosts(NetPlan.Core.Language.Topology topology, int underlayMtu = 1500, params HostInterface[] extra) =>
        topology.Nodes.ToDictionary(n => n.Name, n => Observed(facts: Facts(null,
            [new HostInterface("eth0", underlayMtu, true, n.Address is null ? [] : [$"{n.Address}/24"]), .. extra])));

    private static IPAddress Next(IPAddress address)
    {
        var b = address.GetAddressBytes();
        for (var i = b.Length - 1; i >= 0; i--) if (++b[i] != 0) break;
        return new IPAddress(b);
    }

    /// <summary>A single-node topology "shop": bridge "front" 10.10.0.0/24 with sandboxes web and db.</summary>
    public static NetPlan.Core.Language.Topology Shop(params string[] sandboxes)
    {
        var names = sandboxes.Length == 0 ? ["web", "db"] : sandboxes;
        return Topo("shop", [Node("edge1")], [Bridge("front", "10.10.0.0/24")],
            names.Select(s => Sandbox(s, "edge1", Ep("front"))));
    }

    /// <summary>"mesh": overlay "backbone" 10.20.0.0/24 over nodes a, b, c at 198.51.100.1-3, one sandbox per node.</summary>
    public static NetPlan.Core.Language.Topology Mesh(int? vni = null, int? mtu = null, bool @internal = false) =>
        Topo("mesh",
            [Node("a", "198.51.100.1"), Node("b", "198.51.100.2"), Node("c", "198.51.100.3")],
            [Overlay("backbone", "10.20.0.0/24", vni, mtu, @internal)],
            [Sandbox("sa", "a", Ep("backbone")), Sandbox("sb", "b", Ep("backbone")), Sandbox("sc", "c", Ep("backbone"))]);

    /// <summary>Applies a plan's desired state as if the agent had done it perfectly.</summary>
    public static Dictionary<string, Observation> AfterApply(
        NetPlan.Core.Planning.PlanResult plan, IReadOnlyDictionary<string, Observation> before) =>
        before.ToDictionary(kv => kv.Key, kv => kv.Value with { State = plan.Desired[kv.Key] });
}
