using System.Net;
using System.Text.Json;
using NetPlan.Core.Compile;
using NetPlan.Core.Naming;
using NetPlan.Core.Planning;
using NetPlan.Core.Planning.Rendering;
using NetPlan.Core.State;
using NetPlan.Core.Language;
using static NetPlan.Core.Tests.Planning.Fixtures;

namespace NetPlan.Core.Tests.Compile;

/// <summary>The firewall a node gets, rule by rule, for the combinations that change it.</summary>
public class FirewallCompilerTests
{
    private static PortMapping Port(int host, int target, PortProtocol protocol = PortProtocol.Tcp, string? hostIp = null, int? hostEnd = null, int? targetEnd = null) =>
        new(hostIp is null ? null : IPAddress.Parse(hostIp), host, hostEnd ?? host, target, targetEnd ?? target, protocol, new SourceSpan("topology.yml", 9, 9));

    private static NetPlan.Core.Language.Topology Two(Network front, Network back, params PortMapping[] ports) =>
        Topo("t", [Node("n")], [front, back],
            [Sandbox("web", "n", Ep("front", "10.1.0.10")) with { Ports = ports }, Sandbox("db", "n", Ep("front", "10.1.0.11")), Sandbox("x", "n", Ep("back", "10.2.0.10"))]);

    private static HostState Compiled(NetPlan.Core.Language.Topology topology)
    {
        var result = DesiredStateCompiler.Compile(topology, EmptyHosts(topology));
        Assert.Empty(result.Errors);
        return result.Hosts["n"].State;
    }

    private static FirewallTableObject Table(HostState state, string family = "inet") =>
        Assert.Single(state.Objects.OfType<FirewallTableObject>(), t => t.Family == family);

    private static List<string> Rules(FirewallTableObject table, string chain) =>
        table.Rules.Where(r => r.Chain == chain).Select(r => r.Text).ToList();

    [Fact]
    public void Published_ports_are_dnat_from_other_machines_and_from_the_node_and_a_loopback_port_only_from_the_node()
    {
        var topology = Two(Bridge("front", "10.1.0.0/24"), Bridge("back", "10.2.0.0/24"),
            Port(8080, 80), Port(5353, 53, PortProtocol.Udp), Port(9090, 90, hostIp: "127.0.0.1"), Port(8443, 443, hostIp: "192.0.2.1"),
            Port(7000, 7000, PortProtocol.Sctp, hostEnd: 7002, targetEnd: 7002), Port(6000, 7100, hostEnd: 6001, targetEnd: 7101));
        var names = NameTable.For(topology);
        var state = Compiled(topology);
        var table = Table(state);
        var front = names.Bridge("front");

        Assert.Equal(("inet", "netplan-t", "t"), (table.Family, table.Name, table.Owner));
        Assert.Equal([
            "fib daddr type local tcp dport 8080 dnat ip to 10.1.0.10:80",
            "fib daddr type local udp dport 5353 dnat ip to 10.1.0.10:53",
            "ip daddr 192.0.2.1 tcp dport 8443 dnat ip to 10.1.0.10:443",
            "fib daddr type local sctp dport 7000-7002 dnat ip to 10.1.0.10", // same ports: one rule, ports kept
            "fib daddr type local tcp dport 6000 dnat ip to 10.1.0.10:7100", // shifted: one rule per port
            "fib daddr type local tcp dport 6001 dnat ip to 10.1.0.10:7101",
        ], Rules(table, "prerouting"));
        Assert.Contains("ip daddr 127.0.0.1 tcp dport 9090 dnat ip to 10.1.0.10:90", Rules(table, "output"));
        Assert.Equal(7, Rules(table, "output").Count);
        Assert.Equal($"iifname != \"lo\" ip daddr 127.0.0.0/8 drop", Rules(table, "raw-prerouting")[0]);
        Assert.Contains("ct status dnat accept", Rules(table, "forward"));
        Assert.Equal([
            $"oifname \"{front}\" ip saddr 127.0.0.0/8 masquerade",
            $"oifname \"{front}\" ip saddr 10.1.0.0/24 ct status dnat masquerade",
            $"ip saddr 10.1.0.0/24 oifname != \"{front}\" masquerade",
            $"ip saddr 10.2.0.0/24 oifname != \"{names.Bridge("back")}\" masquerade",
        ], Rules(table, "postrouting"));
        Assert.Contains(table.Rules, r => r.Comment == "t/sandbox web: port 6000-6001/tcp");

        // Forwarding for the node, and 127.0.0.1 → sandbox for the bridge the ports lead to only.
        Assert.Contains(new SysctlObject("", "net.ipv4.ip_forward", "1") { Owner = "t" }, state.Objects);
        Assert.Single(state.Objects.OfType<SysctlObject>(), s => s.Name.EndsWith(".route_localnet") && s.Name.Contains(front) && s.Value == "1");
        Assert.Equal(2, state.Objects.OfType<SysctlObject>().Count());
    }

    [Fact]
    public void Networks_are_kept_apart_and_nothing_enters_a_nat_network_but_replies_and_published_ports()
    {
        var topology = Two(Bridge("front", "10.1.0.0/24"), Bridge("back", "10.2.0.0/24"));
        var names = NameTable.For(topology);
        var table = Table(Compiled(topology));
        var (front, back) = (names.Bridge("front"), names.Bridge("back"));

        Assert.Equal([
            "ct state established,related accept",
            $"oifname \"{front}\" iifname != \"{front}\" drop",
            $"oifname \"{back}\" iifname != \"{back}\" drop",
        ], Rules(table, "forward"));
        Assert.Equal([$"iifname != \"{front}\" ip daddr 10.1.0.0/24 drop", $"iifname != \"{back}\" ip daddr 10.2.0.0/24 drop"], Rules(table, "raw-prerouting"));
        Assert.Empty(Rules(table, "prerouting"));
        Assert.Empty(Rules(table, "input"));
    }

    [Fact]
    public void An_internal_network_is_closed_both_ways_and_to_the_node_but_its_gateway()
    {
        var topology = Two(Bridge("front", "10.1.0.0/24", @internal: true), Bridge("back", "10.2.0.0/24"));
        var names = NameTable.For(topology);
        var table = Table(Compiled(topology));
        var front = names.Bridge("front");

        Assert.Equal([
            "ct state established,related accept",
            $"iifname \"{front}\" oifname != \"{front}\" drop",
            $"oifname \"{front}\" iifname != \"{front}\" drop",
            $"oifname \"{names.Bridge("back")}\" iifname != \"{names.Bridge("back")}\" drop",
        ], Rules(table, "forward"));
        Assert.Equal([$"iifname \"{front}\" ip daddr != 10.1.0.1 drop"], Rules(table, "input"));
        Assert.DoesNotContain(Rules(table, "postrouting"), r => r.Contains("10.1.0.0/24"));
    }

    [Fact]
    public void A_node_with_internal_networks_only_leaves_ip_forwarding_alone()
    {
        var topology = Topo("t", [Node("n")], [Bridge("front", "10.1.0.0/24", @internal: true)], [Sandbox("s", "n", Ep("front"))]);
        var state = Compiled(topology);
        Table(state);
        Assert.Empty(state.Objects.OfType<SysctlObject>());
    }

    [Fact]
    public void Without_masquerade_a_network_is_routed_kept_from_the_other_networks_only_and_not_natted()
    {
        var front = Bridge("front", "10.1.0.0/24") with { Masquerade = false };
        var topology = Two(front, Bridge("back", "10.2.0.0/24"));
        var names = NameTable.For(topology);
        var table = Table(Compiled(topology));

        Assert.Contains($"iifname \"{names.Bridge("back")}\" oifname \"{names.Bridge("front")}\" drop", Rules(table, "forward"));
        Assert.DoesNotContain(Rules(table, "raw-prerouting"), r => r.Contains("10.1.0.0/24"));
        Assert.DoesNotContain(Rules(table, "postrouting"), r => r.Contains("10.1.0.0/24"));
    }

    [Fact]
    public void Icc_false_drops_frames_between_the_sandbox_ports_of_the_bridge_in_a_bridge_table()
    {
        var topology = Two(Bridge("front", "10.1.0.0/24") with { Icc = false }, Bridge("back", "10.2.0.0/24"));
        var names = NameTable.For(topology);
        var state = Compiled(topology);
        var bridge = Table(state, "bridge");

        Assert.Equal([new FirewallChain("forward", "filter", "forward", -200)], bridge.Chains);
        Assert.Equal([$"iifname \"{names.Veth("web", "front")}\" drop", $"iifname \"{names.Veth("db", "front")}\" drop"], Rules(bridge, "forward"));
        Assert.Single(Compiled(Two(Bridge("front", "10.1.0.0/24"), Bridge("back", "10.2.0.0/24"))).Objects.OfType<FirewallTableObject>());
    }

    [Fact]
    public void The_table_survives_the_agent_protocol_as_an_equal_value()
    {
        var table = Table(Compiled(Two(Bridge("front", "10.1.0.0/24"), Bridge("back", "10.2.0.0/24"), Port(8080, 80))));
        var json = JsonSerializer.Serialize<StateObject>(table, StateJson.Default.StateObject);
        Assert.Equal(table, JsonSerializer.Deserialize(json, StateJson.Default.StateObject));
        Assert.NotEqual(table, table with { Rules = table.Rules.Skip(1).ToList() });
    }

    [Fact]
    public void A_changed_table_plans_as_one_update_listing_the_rules_added_and_removed()
    {
        var before = Two(Bridge("front", "10.1.0.0/24"), Bridge("back", "10.2.0.0/24"), Port(8080, 80));
        var applied = AfterApply(Planner.Plan(before, EmptyHosts(before)), EmptyHosts(before));
        var after = Two(Bridge("front", "10.1.0.0/24"), Bridge("back", "10.2.0.0/24"), Port(8081, 80));

        var plan = Planner.Plan(after, applied);
        var op = Assert.Single(plan.Hosts.Single().Operations);
        Assert.Equal((ChangeAction.Update, "nftables:inet/netplan-t"), (op.Action, op.Key));
        var text = PlanText.Render(plan.Hosts);
        Assert.Contains("  ~ nftables inet/netplan-t\n", text);
        Assert.Contains("      - rule prerouting: fib daddr type local tcp dport 8080 dnat ip to 10.1.0.10:80 comment \"t/sandbox web: port 8080/tcp\"\n", text);
        Assert.Contains("      + rule prerouting: fib daddr type local tcp dport 8081 dnat ip to 10.1.0.10:80 comment \"t/sandbox web: port 8081/tcp\"\n", text);
        Assert.Contains("      + rule output: fib daddr type local tcp dport 8081", text);
        Assert.Contains("Plan: 0 to add, 1 to change, 0 to destroy.", text);
    }

    [Fact]
    public void A_same_named_table_without_the_mark_is_a_plan_error_naming_it()
    {
        var topology = Two(Bridge("front", "10.1.0.0/24"), Bridge("back", "10.2.0.0/24"));
        var hosts = EmptyHosts(topology);
        hosts["n"] = hosts["n"] with { State = new HostState([new FirewallTableObject("inet", "netplan-t")]) };

        var plan = Planner.Plan(topology, hosts);
        var error = Assert.Single(plan.Errors);
        Assert.Equal(PlanCodes.ForeignObject, error.Code);
        Assert.Contains("nftables table inet netplan-t exists on node n and is not owned by topology 't'", error.Message);
    }

    [Fact]
    public void A_scope_from_a_client_that_knows_no_firewall_reads_no_tables_rather_than_null()
    {
        var scope = JsonSerializer.Deserialize(
            """{"owner":"t","namespaces":[],"host_links":[],"files":[],"sysctls":[]}""", StateJson.Default.ObserveScope)!;
        Assert.Empty(scope.FirewallTables);
        var roundTrip = JsonSerializer.Deserialize(JsonSerializer.Serialize(Planner.ScopeFor(Two(Bridge("front", "10.1.0.0/24"), Bridge("back", "10.2.0.0/24")), "n"), StateJson.Default.ObserveScope), StateJson.Default.ObserveScope)!;
        Assert.Equal(["inet/netplan-t", "bridge/netplan-t"], roundTrip.FirewallTables);
    }
}
