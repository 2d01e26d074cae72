using NetPlan.Core.Naming;
using NetPlan.Core.Planning;
using NetPlan.Core.State;
using static NetPlan.Core.Tests.Planning.Fixtures;

namespace NetPlan.Core.Tests.Planning;

public class PlannerTests
{
    private static PlanResult PlanOk(NetPlan.Core.Language.Topology topology, IReadOnlyDictionary<string, Observation> observed)
    {
        var plan = Planner.Plan(topology, observed);
        Assert.Empty(plan.Errors);
        return plan;
    }

    private static IReadOnlyList<Operation> Ops(PlanResult plan, string node) => plan.Hosts.Single(h => h.Node == node).Operations;

    [Fact]
    public void Empty_hosts_get_everything_created_in_dependency_order()
    {
        var topology = Shop("web", "db");
        var plan = PlanOk(topology, EmptyHosts(topology));
        var ops = Ops(plan, "edge1");

        Assert.All(ops, o => Assert.Equal(ChangeAction.Create, o.Action));
        Assert.Equal(new PlanSummary(18, 0, 0), plan.Summary);
        var kinds = ops.Select(o => o.After switch
        {
            NamespaceObject => "netns", LinkObject l => l.Kind.ToString(), AddressObject a => a.Namespace == "" ? "gw" : "addr",
            RouteObject => "route", FileObject => "file", SysctlObject => "sysctl", FirewallTableObject => "nftables", _ => "?",
        }).ToList();
        // Within a rank, keys break ties: the gateway address ("address:@host/…") sorts first.
        // Files (hosts, resolv.conf, hostname per sandbox) come last: they name what the rest builds.
        // Host-wide sysctls right after namespaces; the firewall table after everything it names.
        Assert.Equal(["netns", "netns", "sysctl", "Bridge", "Veth", "Veth", "gw", "addr", "addr", "route", "route", "nftables",
            "file", "file", "file", "file", "file", "file"], kinds);
    }

    [Fact]
    public void Planning_again_after_a_perfect_apply_changes_nothing()
    {
        var topology = Mesh();
        var empty = EmptyHosts(topology);
        var first = PlanOk(topology, empty);
        var second = PlanOk(topology, AfterApply(first, empty));
        Assert.False(second.HasChanges);
        Assert.All(second.Hosts, h => Assert.Empty(h.Operations));
    }

    [Fact]
    public void Changed_mtu_is_an_update_listing_the_attribute_paths()
    {
        var topology = Shop("web");
        var applied = AfterApply(PlanOk(topology, EmptyHosts(topology)), EmptyHosts(topology));
        var mtu9000 = Topo("shop", topology.Nodes, [topology.Networks[0] with { Mtu = 9000 }], topology.Sandboxes);

        var ops = Ops(PlanOk(mtu9000, applied), "edge1");
        Assert.Equal(2, ops.Count);
        Assert.All(ops, o => Assert.Equal(ChangeAction.Update, o.Action));
        var names = NameTable.For(topology);
        Assert.Equal(["mtu"], ops.Single(o => o.Key == $"link:@host/{names.Bridge("front")}").Changed);
        Assert.Equal(["mtu", "peer.mtu"], ops.Single(o => o.Key == $"link:@host/{names.Veth("web", "front")}").Changed);
    }

    [Fact]
    public void Changed_vni_replaces_the_vxlan_device_and_recreates_its_entries()
    {
        var topology = Mesh(vni: 5000);
        var applied = AfterApply(PlanOk(topology, EmptyHosts(topology)), EmptyHosts(topology));
        var ops = Ops(PlanOk(Mesh(vni: 6000), applied), "a");
        var vxlan = NameTable.For(topology).Vxlan("backbone");

        var replace = Assert.Single(ops, o => o.Action == ChangeAction.Replace);
        Assert.Equal($"link:@host/{vxlan}", replace.Key);
        Assert.Equal(["vxlan.vni"], replace.Changed);
        // FDB and neighbour entries vanish with the device, so they are created again after it.
        var recreated = ops.Where(o => o.Action == ChangeAction.Create).Select(o => o.After).ToList();
        Assert.Equal(4, recreated.OfType<FdbObject>().Count());
        Assert.Equal(2, recreated.OfType<NeighbourObject>().Count());
        Assert.True(ops.ToList().IndexOf(replace) < ops.ToList().FindIndex(o => o.After is FdbObject));
        Assert.Equal(new PlanSummary(7, 0, 1), PlanSummary.Of(ops));
    }

    [Fact]
    public void A_link_of_another_kind_under_our_name_is_replaced()
    {
        var topology = Shop("web");
        var applied = AfterApply(PlanOk(topology, EmptyHosts(topology)), EmptyHosts(topology));
        var state = applied["edge1"].State.Objects
            .Select(o => o is LinkObject { Kind: LinkKind.Bridge } b ? b with { Kind = LinkKind.Dummy } : o).ToList();
        applied["edge1"] = applied["edge1"] with { State = new HostState(state) };

        var ops = Ops(PlanOk(topology, applied), "edge1");
        var replace = Assert.Single(ops, o => o.Action == ChangeAction.Replace);
        Assert.Equal(["kind"], replace.Changed);
        // The gateway address goes with the old device and is created again; the port is enslaved again.
        Assert.Contains(ops, o => o is { Action: ChangeAction.Create, After: AddressObject { Namespace: "" } });
        var reenslaved = Assert.Single(ops, o => o.Action == ChangeAction.Update);
        Assert.Equal(["master"], reenslaved.Changed);
    }

    [Fact]
    public void A_foreign_bridge_or_namespace_in_the_way_is_an_error_naming_it()
    {
        var topology = Shop("web");
        var bridge = NameTable.For(topology).Bridge("front");
        var observed = EmptyHosts(topology);
        observed["edge1"] = Observed(new HostState([
            new LinkObject("", bridge, LinkKind.Bridge) { Owner = null, Up = true },
            new NamespaceObject("web") { Owner = "other" },
        ]), observed["edge1"].Facts);

        var plan = Planner.Plan(topology, observed);
        Assert.Empty(plan.Hosts);
        Assert.Equal(2, plan.Errors.Count);
        Assert.All(plan.Errors, e => Assert.Equal(PlanCodes.ForeignObject, e.Code));
        Assert.Contains(plan.Errors, e => e.Message.StartsWith($"link {bridge} exists on node edge1 and is not owned by topology 'shop'"));
        var ns = Assert.Single(plan.Errors, e => e.Message.StartsWith("network namespace 'web' exists on node edge1 and is not owned by topology 'shop'"));
        Assert.Contains("belongs to topology 'other'", ns.Message);
        Assert.Equal(topology.Sandboxes[0].At, ns.At);
    }

    [Fact]
    public void Removing_a_sandbox_deletes_its_namespace_and_lists_what_goes_with_it_as_implied()
    {
        var two = Shop("web", "db");
        var applied = AfterApply(PlanOk(two, EmptyHosts(two)), EmptyHosts(two));
        var ops = Ops(PlanOk(Shop("web"), applied), "edge1");

        var executed = ops.Where(o => o.ImpliedBy is null).Select(o => (o.Action, o.Key)).ToList();
        Assert.Equal(
            [
                (ChangeAction.Delete, "file:/etc/netns/db/hostname"), (ChangeAction.Delete, "file:/etc/netns/db/hosts"),
                (ChangeAction.Delete, "file:/etc/netns/db/resolv.conf"), (ChangeAction.Delete, "netns:db"),
                (ChangeAction.Update, "file:/etc/netns/web/hosts"), // web no longer sees db
            ],
            executed);
        var implied = ops.Where(o => o.ImpliedBy is not null).ToList();
        Assert.Equal(3, implied.Count); // the veth (its peer lives in db), db's address and default route
        Assert.All(implied, o => Assert.Equal(("netns:db", ChangeAction.Delete), (o.ImpliedBy, o.Action)));
        Assert.Contains(implied, o => o.Before is LinkObject { Kind: LinkKind.Veth, Namespace: "" });
        Assert.Equal(new PlanSummary(0, 1, 7), PlanSummary.Of(ops));
    }

    [Fact]
    public void Adding_a_sandbox_to_an_overlay_updates_the_other_nodes_in_the_same_plan()
    {
        var topology = Mesh();
        var applied = AfterApply(PlanOk(topology, EmptyHosts(topology)), EmptyHosts(topology));
        var bigger = Topo("mesh", topology.Nodes, topology.Networks,
            [.. topology.Sandboxes, Sandbox("sd", "c", Ep("backbone"))]);

        var plan = PlanOk(bigger, applied);
        foreach (var node in new[] { "a", "b" })
        {
            var ops = Ops(plan, node);
            Assert.Equal(3, ops.Count);
            Assert.Contains(ops, o => o.After is FdbObject { Mac: "02:42:0a:14:00:05", Destination: "198.51.100.3" });
            Assert.Contains(ops, o => o.After is NeighbourObject { Address: "10.20.0.5" });
            // The peer on this node now resolves the new sandbox by name.
            Assert.Contains(ops, o => o is { Action: ChangeAction.Update, After: FileObject f } && f.Path.EndsWith("/hosts") && f.Content.ToString().Contains("10.20.0.5\tsd"));
        }
        var onC = Ops(plan, "c");
        Assert.Equal(["netns:sd", "address:sd/eth0/10.20.0.5/24", "route:sd/254/default"], onC.Where(o => o.After is NamespaceObject or AddressObject or RouteObject).Select(o => o.Key));
        Assert.Single(onC, o => o.After is LinkObject { Kind: LinkKind.Veth });
        Assert.Equal(3, onC.Count(o => o is { Action: ChangeAction.Create, After: FileObject f } && f.Path.StartsWith("/etc/netns/sd/")));
    }

    [Fact]
    public void Destroy_deletes_only_owned_objects_and_executes_only_the_roots()
    {
        var topology = Mesh();
        var applied = AfterApply(PlanOk(topology, EmptyHosts(topology)), EmptyHosts(topology));
        var foreignBridge = new LinkObject("", "br-foreign", LinkKind.Bridge) { Up = true };
        var foreignNs = new NamespaceObject("other") { Owner = "someone-else" };
        applied["a"] = applied["a"] with { State = new HostState([.. applied["a"].State.Objects, foreignBridge, foreignNs]) };

        var plan = Planner.PlanDestroy(topology, applied);
        Assert.Empty(plan.Errors);
        var ops = Ops(plan, "a");
        Assert.All(ops, o => Assert.Equal(ChangeAction.Delete, o.Action));
        Assert.DoesNotContain(ops, o => o.Key is "link:@host/br-foreign" or "netns:other");
        Assert.Equal(applied["a"].State.Objects.Count - 3, ops.Count); // and ip_forward, a setting: left as it is

        var executed = ops.Where(o => o.ImpliedBy is null).Select(o => o.Key).ToList();
        var names = NameTable.For(topology);
        Assert.Equal(
            ["file:/etc/netns/sa/hostname", "file:/etc/netns/sa/hosts", "file:/etc/netns/sa/resolv.conf", "nftables:inet/netplan-mesh",
             $"link:@host/{names.Vxlan("backbone")}", $"link:@host/{names.Bridge("backbone")}", "netns:sa"],
            executed);

        // Once only foreign objects remain, a second destroy has nothing to do.
        var leftover = new Dictionary<string, Observation> { ["a"] = Observed(new HostState([foreignBridge, foreignNs])) };
        Assert.False(Planner.PlanDestroy("mesh", [("a", leftover["a"].State)]).HasChanges);
    }

    [Fact]
    public void Sysctls_are_updated_whoever_owns_them_and_never_deleted()
    {
        var desired = new HostState([new SysctlObject("", "net.ipv4.ip_forward", "1") { Owner = "t" }]);
        var observed = new HostState([
            new SysctlObject("", "net.ipv4.ip_forward", "0"),
            new SysctlObject("", "net.ipv4.conf.all.rp_filter", "1") { Owner = "t" },
        ]);
        var diff = Differ.Diff("t", "n", desired, observed);
        Assert.Empty(diff.Errors);
        var op = Assert.Single(diff.Operations);
        Assert.Equal((ChangeAction.Update, "sysctl:@host/net.ipv4.ip_forward"), (op.Action, op.Key));
        Assert.Equal(["value"], op.Changed);
    }

    [Fact]
    public void Deletes_run_ports_before_masters_and_creates_masters_before_ports()
    {
        var observed = new HostState([
            new LinkObject("", "npbold-000000", LinkKind.Bridge) { Owner = "t" },
            new LinkObject("", "npvold-000000", LinkKind.Veth) { Owner = "t", Master = "npbold-000000" },
            new LinkObject("", "npxold-000000", LinkKind.Vxlan) { Owner = "t", Master = "npbold-000000" },
        ]);
        var desired = new HostState([
            new AddressObject("", "npbnew-000000", "10.0.0.1/24") { Owner = "t" },
            new LinkObject("", "npvnew-000000", LinkKind.Veth) { Owner = "t", Master = "npbnew-000000" },
            new LinkObject("", "npbnew-000000", LinkKind.Bridge) { Owner = "t" },
            new NamespaceObject("s") { Owner = "t" },
        ]);
        var keys = Differ.Diff("t", "n", desired, observed).Operations.Select(o => (o.Action, o.Key)).ToList();
        Assert.Equal([
            (ChangeAction.Delete, "link:@host/npvold-000000"),
            (ChangeAction.Delete, "link:@host/npxold-000000"),
            (ChangeAction.Delete, "link:@host/npbold-000000"),
            (ChangeAction.Create, "netns:s"),
            (ChangeAction.Create, "link:@host/npbnew-000000"),
            (ChangeAction.Create, "link:@host/npvnew-000000"),
            (ChangeAction.Create, "address:@host/npbnew-000000/10.0.0.1/24"),
        ], keys);
    }

    [Fact]
    public void Fingerprint_ignores_object_order_and_sees_any_change()
    {
        var a = new LinkObject("", "x", LinkKind.Bridge) { Owner = "t", Mtu = 1500 };
        var b = new NamespaceObject("web") { Owner = "t" };
        Assert.Equal(Fingerprint.Of(new HostState([a, b])), Fingerprint.Of(new HostState([b, a])));
        Assert.NotEqual(Fingerprint.Of(new HostState([a, b])), Fingerprint.Of(new HostState([a with { Mtu = 1400 }, b])));
        Assert.Matches("^[0-9a-f]{64}$", Fingerprint.Of(HostState.Empty));
    }

    [Fact]
    public void Fingerprint_sees_file_content_owner_and_where_one_file_ends()
    {
        FileObject File(string path, string content, string? owner = "t") => new(path, content) { Owner = owner };
        string Of(params StateObject[] objects) => Fingerprint.Of(new HostState(objects));

        var before = Of(File("/etc/netns/a/hosts", "ab\n"), File("/etc/netns/b/hosts", "c\n"));
        Assert.Equal(before, Of(File("/etc/netns/b/hosts", "c\n"), File("/etc/netns/a/hosts", "ab\n")));
        Assert.NotEqual(before, Of(File("/etc/netns/a/hosts", "ab\n"), File("/etc/netns/b/hosts", "d\n")));
        Assert.NotEqual(before, Of(File("/etc/netns/a/hosts", "ab\n"), File("/etc/netns/b/hosts", "c\n", owner: null)));
        Assert.NotEqual(before, Of(File("/etc/netns/a/hosts", "a"), File("/etc/netns/b/hosts", "b\nc\n")));
        Assert.NotEqual(Of(File("/etc/netns/a/hosts", "")), Of(File("/etc/netns/a/hosts", "\0")));
    }

    [Fact]
    public void Errors_from_compilation_leave_no_host_plans()
    {
        var topology = Mesh(mtu: 9000);
        var plan = Planner.Plan(topology, EmptyHosts(topology));
        Assert.True(plan.HasErrors);
        Assert.Empty(plan.Hosts);
        Assert.Empty(plan.Desired);
    }

    [Fact]
    public void Compile_errors_and_conflicts_on_other_nodes_are_reported_together()
    {
        var topology = Topo("t", [Node("n"), Node("m")],
            [Bridge("front", "10.0.0.0/24"), Network("lan", NetPlan.Core.Language.Driver.Macvlan, "192.0.2.0/24", parent: "eth9")],
            [Sandbox("s", "n", Ep("lan")), Sandbox("web", "m", Ep("front"))]);
        var observed = EmptyHosts(topology);
        observed["m"] = observed["m"] with { State = new HostState([new NamespaceObject("web")]) };

        var plan = Planner.Plan(topology, observed);
        Assert.Equal([PlanCodes.ParentMissing, PlanCodes.ForeignObject], plan.Errors.Select(e => e.Code));
        Assert.Empty(plan.Hosts);
    }

    [Fact]
    public void Renaming_an_interface_replaces_the_veth_and_rebuilds_what_lived_on_the_old_name()
    {
        var topology = Shop("web");
        var applied = AfterApply(PlanOk(topology, EmptyHosts(topology)), EmptyHosts(topology));
        var renamed = Topo("shop", topology.Nodes, topology.Networks,
            [Sandbox("web", "edge1", Ep("front", ifname: "lan0"))]);

        var ops = Ops(PlanOk(renamed, applied), "edge1");
        var veth = NameTable.For(topology).Veth("web", "front");
        Assert.Equal([
            (ChangeAction.Delete, "address:web/eth0/10.10.0.2/24", $"link:@host/{veth}"),
            (ChangeAction.Replace, $"link:@host/{veth}", null),
            (ChangeAction.Create, "address:web/lan0/10.10.0.2/24", null),
            (ChangeAction.Create, "route:web/254/default", null), // the old route went with eth0
        ], ops.Select(o => (o.Action, o.Key, o.ImpliedBy)));
        Assert.Equal(["peer.name"], ops[1].Changed);
        Assert.Equal("lan0", ((RouteObject)ops[3].After!).Device);
    }

    [Fact]
    public void Making_the_first_network_internal_moves_the_default_route_in_place()
    {
        var two = Topo("t", [Node("n")], [Bridge("a", "10.1.0.0/24"), Bridge("b", "10.2.0.0/24")],
            [Sandbox("s", "n", Ep("a"), Ep("b"))]);
        var applied = AfterApply(PlanOk(two, EmptyHosts(two)), EmptyHosts(two));
        var changed = two with { Networks = [two.Networks[0] with { Internal = true }, two.Networks[1]] };

        var ops = Ops(PlanOk(changed, applied), "n");
        var op = Assert.Single(ops, o => o.After is not FirewallTableObject);
        Assert.Equal((ChangeAction.Update, "route:s/254/default"), (op.Action, op.Key));
        Assert.Equal(["gateway", "device"], op.Changed);
        // ... and the firewall now keeps network a in: its egress and isolation rules give way to internal ones.
        var firewall = Assert.Single(ops, o => o.After is FirewallTableObject);
        Assert.Equal(ChangeAction.Update, firewall.Action);
        Assert.Equal(["rules"], firewall.Changed);
    }
}
