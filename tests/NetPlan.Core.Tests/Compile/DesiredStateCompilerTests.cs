using NetPlan.Core.Compile;
using NetPlan.Core.Naming;
using NetPlan.Core.Planning;
using NetPlan.Core.State;
using NetPlan.Core.Language;
using static NetPlan.Core.Tests.Planning.Fixtures;

namespace NetPlan.Core.Tests.Compile;

public class DesiredStateCompilerTests
{
    private static HostState Compiled(NetPlan.Core.Language.Topology topology, string node, Dictionary<string, Observation>? observed = null)
    {
        var result = DesiredStateCompiler.Compile(topology, observed ?? EmptyHosts(topology));
        Assert.Empty(result.Errors);
        return result.Hosts[node].State;
    }

    private static T One<T>(HostState state, string key) where T : StateObject =>
        Assert.IsType<T>(Assert.Single(state.Objects, o => o.Key == key));

    [Fact]
    public void Bridge_network_compiles_to_namespace_bridge_gateway_veth_address_and_default_route()
    {
        var topology = Shop("web");
        var names = NameTable.For(topology);
        var state = Compiled(topology, "edge1");
        var bridge = names.Bridge("front");
        var veth = names.Veth("web", "front");

        Assert.Equal(11, state.Objects.Count); // + hosts, resolv.conf, hostname, the firewall table and ip_forward
        Assert.Equal(3, state.Objects.OfType<FileObject>().Count(f => f.Path.StartsWith("/etc/netns/web/")));
        Assert.All(state.Objects, o => Assert.Equal("shop", o.Owner));
        Assert.True(One<NamespaceObject>(state, "netns:web").LoopbackUp);

        var br = One<LinkObject>(state, $"link:@host/{bridge}");
        Assert.Equal((LinkKind.Bridge, 1500, true, "02:42:0a:0a:00:01"), (br.Kind, br.Mtu, br.Up, br.Mac));
        Assert.Equal("netplan:shop/bridge/front", br.Alias);
        Assert.Equal(Ownership.LinkGroup("shop"), br.Group);
        One<AddressObject>(state, $"address:@host/{bridge}/10.10.0.1/24");

        var v = One<LinkObject>(state, $"link:@host/{veth}");
        Assert.Equal((LinkKind.Veth, bridge, 1500, true), (v.Kind, v.Master, v.Mtu, v.Up));
        Assert.Equal(new VethPeer("web", "eth0") { Mac = "02:42:0a:0a:00:02", Mtu = 1500, Up = true, Alias = "netplan:shop/endpoint/web/front" }, v.Peer);
        Assert.Equal("shop", Ownership.OwnerFromAlias(v.Alias));
        One<AddressObject>(state, "address:web/eth0/10.10.0.2/24");

        var route = One<RouteObject>(state, "route:web/254/default");
        Assert.Equal(("10.10.0.1", "eth0"), (route.Gateway, route.Device));
    }

    [Fact]
    public void Default_route_uses_the_first_non_internal_network_and_explicit_mac_and_mtu_are_honoured()
    {
        var topology = Topo("t", [Node("n")],
            [Bridge("secret", "10.1.0.0/24", @internal: true), Bridge("out", "10.2.0.0/24", mtu: 9000)],
            [Sandbox("s", "n", Ep("secret"), Ep("out", mac: "02:AA:BB:CC:DD:EE"))]);
        var names = NameTable.For(topology);
        var state = Compiled(topology, "n");

        var route = One<RouteObject>(state, "route:s/254/default");
        Assert.Equal(("10.2.0.1", "eth1"), (route.Gateway, route.Device));
        var outVeth = One<LinkObject>(state, $"link:@host/{names.Veth("s", "out")}");
        Assert.Equal(("02:aa:bb:cc:dd:ee", 9000, 9000), (outVeth.Peer!.Mac, outVeth.Mtu, outVeth.Peer.Mtu));
        // The internal bridge keeps its gateway address (the firewall keeps traffic in).
        One<AddressObject>(state, $"address:@host/{names.Bridge("secret")}/10.1.0.1/24");
    }

    [Fact]
    public void A_sandbox_only_on_internal_networks_has_no_default_route()
    {
        var topology = Topo("t", [Node("n")], [Bridge("secret", "10.1.0.0/24", @internal: true)], [Sandbox("s", "n", Ep("secret"))]);
        Assert.DoesNotContain(Compiled(topology, "n").Objects, o => o is RouteObject);
    }

    [Fact]
    public void Overlay_programs_vxlan_flood_entries_and_fdb_and_neighbours_per_remote_endpoint()
    {
        var topology = Mesh();
        var names = NameTable.For(topology);
        var state = Compiled(topology, "a");
        var vxlanName = names.Vxlan("backbone");

        var vxlan = One<LinkObject>(state, $"link:@host/{vxlanName}");
        Assert.Equal((LinkKind.Vxlan, names.Bridge("backbone"), 1450), (vxlan.Kind, vxlan.Master, vxlan.Mtu));
        Assert.Equal(new VxlanInfo(Vnis.Assign(topology)["backbone"], "198.51.100.1", 4789, false) { Proxy = true }, vxlan.Vxlan);
        Assert.InRange(vxlan.Vxlan!.Vni, 4096u, 16_777_215u);

        var fdb = state.Objects.OfType<FdbObject>().Select(f => (f.Mac, f.Destination)).OrderBy(x => x).ToList();
        Assert.Equal([
            ("00:00:00:00:00:00", "198.51.100.2"), ("00:00:00:00:00:00", "198.51.100.3"),
            ("02:42:0a:14:00:03", "198.51.100.2"), ("02:42:0a:14:00:04", "198.51.100.3")], fdb);
        Assert.All(state.Objects.OfType<FdbObject>(), f => Assert.Equal(vxlanName, f.Link));
        var neighbours = state.Objects.OfType<NeighbourObject>().Select(n => (n.Link, n.Address, n.Mac)).OrderBy(x => x).ToList();
        Assert.Equal([(vxlanName, "10.20.0.3", "02:42:0a:14:00:03"), (vxlanName, "10.20.0.4", "02:42:0a:14:00:04")], neighbours);

        // The gateway has the same address and MAC on every node.
        foreach (var node in new[] { "a", "b", "c" })
        {
            var s = Compiled(topology, node);
            Assert.Equal("02:42:0a:14:00:01", One<LinkObject>(s, $"link:@host/{names.Bridge("backbone")}").Mac);
            One<AddressObject>(s, $"address:@host/{names.Bridge("backbone")}/10.20.0.1/24");
        }
        // The local endpoint's veth and everything else carries the overlay MTU.
        Assert.All(state.Objects.OfType<LinkObject>(), l => Assert.Equal(1450, l.Mtu));
    }

    [Fact]
    public void Internal_overlay_has_no_gateway_and_no_default_route()
    {
        var state = Compiled(Mesh(@internal: true), "a");
        Assert.DoesNotContain(state.Objects, o => o is AddressObject { Namespace: "" });
        Assert.DoesNotContain(state.Objects, o => o is RouteObject);
    }

    [Fact]
    public void Overlay_mtu_follows_the_underlay_of_the_node_address()
    {
        var topology = Mesh();
        var state = Compiled(topology, "b", EmptyHosts(topology, underlayMtu: 9000));
        Assert.All(state.Objects.OfType<LinkObject>(), l => Assert.Equal(8950, l.Mtu));
    }

    [Fact]
    public void Overlay_mtu_larger_than_underlay_minus_50_is_an_error()
    {
        var topology = Mesh(mtu: 1460);
        var result = DesiredStateCompiler.Compile(topology, EmptyHosts(topology));
        Assert.Equal(3, result.Errors.Count);
        Assert.All(result.Errors, e => Assert.Equal(PlanCodes.MtuTooLarge, e.Code));
        Assert.Contains("mtu 1460 is larger than 1450 on node 'a'", result.Errors[0].Message);
        Assert.Empty(result.Hosts);
    }

    [Fact]
    public void Overlay_without_an_underlay_interface_holding_the_node_address_is_an_error()
    {
        var topology = Mesh();
        var observed = EmptyHosts(topology);
        observed["b"] = Observed(facts: Facts(null, new HostInterface("eth0", 1500, true, ["203.0.113.9/24"])));
        var error = Assert.Single(DesiredStateCompiler.Compile(topology, observed).Errors);
        Assert.Equal(PlanCodes.UnderlayNotFound, error.Code);
        Assert.Contains("node 'b'", error.Message);
    }

    [Fact]
    public void Macvlan_endpoint_is_a_sub_interface_in_the_sandbox()
    {
        var topology = Topo("t", [Node("n")],
            [Network("lan", Driver.Macvlan, "192.0.2.0/24", parent: "eth0", mode: "bridge")],
            [Sandbox("s", "n", Ep("lan", ip: "192.0.2.10"))]);
        var state = Compiled(topology, "n");

        var link = One<LinkObject>(state, "link:s/eth0");
        Assert.Equal((LinkKind.Macvlan, "02:42:c0:00:02:0a", true), (link.Kind, link.Mac, link.Up));
        Assert.Equal(new SubInterfaceInfo("eth0", "bridge"), link.SubInterface);
        Assert.Null(link.Mtu);
        Assert.Equal("netplan:t/endpoint/s/lan", link.Alias);
        One<AddressObject>(state, "address:s/eth0/192.0.2.10/24");
        Assert.Equal("192.0.2.1", One<RouteObject>(state, "route:s/254/default").Gateway);
        Assert.DoesNotContain(state.Objects, o => o is LinkObject { Namespace: "" });
    }

    [Fact]
    public void Ipvlan_on_a_kernel_without_ipvlan_is_an_error_naming_node_network_and_kind()
    {
        var topology = Topo("t", [Node("edge1")],
            [Network("lan", Driver.Ipvlan, "192.0.2.0/24", parent: "eth0", mode: "l2")],
            [Sandbox("s", "edge1", Ep("lan"))]);
        var error = Assert.Single(DesiredStateCompiler.Compile(topology, EmptyHosts(topology)).Errors);
        Assert.Equal(PlanCodes.LinkKindUnsupported, error.Code);
        Assert.Equal("node 'edge1' cannot run network 'lan' (driver ipvlan): its kernel does not support ipvlan links", error.Message);
        Assert.Equal(topology.Networks[0].At, error.At);
    }

    [Fact]
    public void Ipvlan_l3_default_route_has_no_gateway_and_no_own_mac()
    {
        var topology = Topo("t", [Node("n")],
            [Network("lan", Driver.Ipvlan, "192.0.2.0/24", parent: "eth0", mode: "l3")],
            [Sandbox("s", "n", Ep("lan"))]);
        var observed = topology.Nodes.ToDictionary(n => n.Name, _ => Observed(facts: Facts(
            [LinkKind.Ipvlan], new HostInterface("eth0", 1500, true, []))));
        var state = Compiled(topology, "n", observed);
        Assert.Null(One<LinkObject>(state, "link:s/eth0").Mac);
        var route = One<RouteObject>(state, "route:s/254/default");
        Assert.Equal((null, "eth0"), (route.Gateway, route.Device));
    }

    [Fact]
    public void A_missing_parent_is_an_error()
    {
        var topology = Topo("t", [Node("n")],
            [Network("lan", Driver.Macvlan, "192.0.2.0/24", parent: "enp9s0")], [Sandbox("s", "n", Ep("lan"))]);
        var error = Assert.Single(DesiredStateCompiler.Compile(topology, EmptyHosts(topology)).Errors);
        Assert.Equal(PlanCodes.ParentMissing, error.Code);
        Assert.Contains("'enp9s0'", error.Message);
    }

    [Fact]
    public void A_node_that_was_not_observed_is_an_error()
    {
        var topology = Mesh();
        var observed = EmptyHosts(topology);
        observed.Remove("c");
        var error = Assert.Single(DesiredStateCompiler.Compile(topology, observed).Errors);
        Assert.Equal(PlanCodes.NodeNotObserved, error.Code);
    }

    [Fact]
    public void Scope_lists_sandboxes_derived_links_and_parents_without_observation()
    {
        var topology = Topo("t", [Node("n"), Node("m")],
            [Bridge("front", "10.0.0.0/24"), Network("lan", Driver.Macvlan, "192.0.2.0/24", parent: "eth1")],
            [Sandbox("s", "n", Ep("front"), Ep("lan")), Sandbox("other", "m", Ep("front"))]);
        var names = NameTable.For(topology);
        var scope = Planner.ScopeFor(topology, "n");

        Assert.Equal("t", scope.Owner);
        Assert.Equal(["s"], scope.Namespaces);
        Assert.Equal([names.Bridge("front"), "eth1", names.Veth("s", "front")], scope.HostLinks);
        Assert.Equal(["/etc/netns/s/hosts", "/etc/netns/s/resolv.conf", "/etc/netns/s/hostname"], scope.Files);
        Assert.Equal([new SysctlRef("", "net.ipv4.ip_forward"), new SysctlRef("", $"net.ipv4.conf.{names.Bridge("front")}.route_localnet")], scope.Sysctls);
        Assert.Equal(["inet/netplan-t", "bridge/netplan-t"], scope.FirewallTables);
    }

    [Fact]
    public void A_network_is_built_on_every_node_where_a_sandbox_attaches_even_if_not_listed()
    {
        var front = Bridge("front", "10.0.0.0/24") with { Nodes = ["n"] };
        var topology = Topo("t", [Node("n"), Node("m")], [front], [Sandbox("s", "m", Ep("front"))]);
        var state = Compiled(topology, "m");
        var names = NameTable.For(topology);
        One<LinkObject>(state, $"link:@host/{names.Bridge("front")}");
        One<LinkObject>(state, $"link:@host/{names.Veth("s", "front")}");
        Assert.Contains(names.Bridge("front"), Planner.ScopeFor(topology, "m").HostLinks);
        // And on the listed node too, sandbox or not.
        One<LinkObject>(Compiled(topology, "n"), $"link:@host/{names.Bridge("front")}");
    }
}
