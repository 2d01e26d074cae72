using NetPlan.Core.Planning;
using NetPlan.Core.State;
using NetPlan.Tests;

namespace NetPlan.Kernel.Tests.Agent;

/// <summary>The core contract: desired objects, applied, observe back equal (record equality).</summary>
public class RoundTripTests
{
    private const string Topology = "t1";
    private static readonly uint Group = Ownership.LinkGroup(Topology);

    /// <summary>A bridge network with one sandbox: what the planner compiles for `networks: [bridge]` + one endpoint.</summary>
    internal static List<StateObject> BridgeWithSandbox(string sandbox, string bridge = "npt-br0", string veth = "npt-ve0") =>
    [
        new NamespaceObject(sandbox) { Owner = Topology, LoopbackUp = true },
        new LinkObject("", bridge, LinkKind.Bridge)
        {
            Owner = Topology, Mtu = 1500, Mac = "02:42:0a:0a:00:01", Up = true, Alias = Ownership.LinkAlias(Topology, "front"), Group = Group,
        },
        new LinkObject("", veth, LinkKind.Veth)
        {
            Owner = Topology, Master = bridge, Mtu = 1500, Mac = "02:42:0a:0a:01:0a", Up = true, Alias = Ownership.LinkAlias(Topology, "web/eth0"), Group = Group,
            Peer = new VethPeer(sandbox, "eth0") { Mtu = 1500, Mac = "02:42:0a:0a:00:0a", Up = true },
        },
        new AddressObject("", bridge, "10.10.0.1/24") { Owner = Topology },
        new AddressObject(sandbox, "eth0", "10.10.0.10/24") { Owner = Topology },
        new RouteObject(sandbox, "default") { Owner = Topology, Gateway = "10.10.0.1", Device = "eth0" },
        new RouteObject("", "10.99.0.0/16") { Owner = Topology, Gateway = "10.10.0.10", Device = bridge, Metric = 50 },
    ];

    [SkippableFact]
    public async Task Namespace_bridge_veth_addresses_and_routes_observe_back_equal()
    {
        Privileged.Require();
        await using var f = new AgentFixture();
        var sandbox = f.Sandbox();
        var desired = BridgeWithSandbox(sandbox);

        var result = await f.Apply(AgentFixture.CreateAll(desired));
        var observed = await f.Observe(Topology, namespaces: [sandbox]);

        Assert.Equal(desired.Count, result.Executed);
        Assert.Equal(AgentFixture.Sorted(desired), observed);

        // Independent witnesses: iproute2 sees the same things.
        Assert.True(AgentFixture.NamespaceListed(sandbox));
        var veth = f.HostJson("-d", "link", "show", "npt-ve0")[0];
        Assert.Equal("netplan:t1/web/eth0", veth.GetProperty("ifalias").GetString());
        Assert.Equal("npt-br0", veth.GetProperty("master").GetString());
        Assert.Equal(Group.ToString(), veth.GetProperty("group").GetString());
        var eth0 = AgentFixture.SandboxJson(sandbox, "addr", "show", "eth0")[0];
        Assert.Equal("02:42:0a:0a:00:0a", eth0.GetProperty("address").GetString());
        Assert.Contains(eth0.GetProperty("addr_info").EnumerateArray(), a => a.GetProperty("local").GetString() == "10.10.0.10");
        var lo = AgentFixture.SandboxJson(sandbox, "link", "show", "lo")[0];
        Assert.Equal("netplan:t1", lo.GetProperty("ifalias").GetString());
        var route = f.HostJson("route", "show", "10.99.0.0/16")[0];
        Assert.Equal("158", route.GetProperty("protocol").GetString());
        Assert.Contains("10.10.0.1 ", ThrowawayNamespace.Run("ip", "-n", sandbox, "route", "show", "default") + " ");
        // And the sandbox really reaches the bridge's address.
        ThrowawayNamespace.Run("ip", "netns", "exec", sandbox, "ping", "-c1", "-W2", "10.10.0.1");
    }

    [SkippableFact]
    public async Task Updates_change_links_in_place_and_observe_back_equal()
    {
        Privileged.Require();
        await using var f = new AgentFixture();
        var sandbox = f.Sandbox();
        var before = BridgeWithSandbox(sandbox);
        await f.Apply(AgentFixture.CreateAll(before));
        var ifindexBefore = f.HostJson("link", "show", "npt-ve0")[0].GetProperty("ifindex").GetInt32();

        var oldVeth = before.OfType<LinkObject>().Single(l => l.Name == "npt-ve0");
        var newVeth = oldVeth with
        {
            Master = null, Mtu = 1400, Mac = "02:42:0a:0a:01:0b", Up = false, Alias = Ownership.LinkAlias(Topology, "moved"),
            Peer = oldVeth.Peer! with { Mtu = 1400, Mac = "02:42:0a:0a:00:0b", Up = false },
        };
        var oldBridge = before.OfType<LinkObject>().Single(l => l.Name == "npt-br0");
        var newBridge = oldBridge with { Mtu = 1450 };
        var oldNs = before.OfType<NamespaceObject>().Single();
        var newNs = oldNs with { LoopbackUp = false };
        var oldRoute = before.OfType<RouteObject>().Single(r => r.Namespace == "");
        var newRoute = oldRoute with { Metric = 70 };

        await f.Apply(
            new Operation(ChangeAction.Update, oldVeth, newVeth),
            new Operation(ChangeAction.Update, oldBridge, newBridge),
            new Operation(ChangeAction.Update, oldNs, newNs),
            new Operation(ChangeAction.Update, oldRoute, newRoute));

        var expected = before.Select(o => o == oldVeth ? newVeth : o == oldBridge ? newBridge : o == oldNs ? newNs : o == oldRoute ? newRoute : o)
            // the peer going down takes the sandbox's default route with it (the kernel drops routes of a down link)
            .Where(o => o is not RouteObject { Namespace.Length: > 0 })
            .ToList();
        Assert.Equal(AgentFixture.Sorted(expected), await f.Observe(Topology, namespaces: [sandbox]));
        Assert.Equal(ifindexBefore, f.HostJson("link", "show", "npt-ve0")[0].GetProperty("ifindex").GetInt32());
    }

    [SkippableFact]
    public async Task Deleting_the_namespace_and_links_leaves_nothing_behind()
    {
        Privileged.Require();
        await using var f = new AgentFixture();
        var sandbox = f.Sandbox();
        var desired = BridgeWithSandbox(sandbox);
        await f.Apply(AgentFixture.CreateAll(desired));
        var ns = desired.OfType<NamespaceObject>().Single();

        // What the planner emits for a teardown: contents of the sandbox are implied by its namespace.
        var operations = desired.AsEnumerable().Reverse().Select(o => new Operation(ChangeAction.Delete, o, null)
        {
            ImpliedBy = o is NamespaceObject ? null
                : o switch { AddressObject { Namespace.Length: > 0 } or RouteObject { Namespace.Length: > 0 } => ns.Key, AddressObject or RouteObject => "link:@host/npt-br0", _ => null },
        }).ToArray();
        var result = await f.Apply(operations);

        Assert.Equal(3, result.Executed); // two links, one namespace
        Assert.Empty(await f.Observe(Topology, namespaces: [sandbox]));
        Assert.False(AgentFixture.NamespaceListed(sandbox));
        Assert.Equal(new[] { "lo" }, f.HostJson("link", "show").EnumerateArray().Select(l => l.GetProperty("ifname").GetString()!).ToArray());
    }

    [SkippableFact]
    public async Task A_veth_end_pairs_only_with_its_own_peer_in_the_host()
    {
        Privileged.Require();
        await using var f = new AgentFixture();
        var sandbox = f.Sandbox();
        var other = f.Sandbox();
        var unobserved = f.Sandbox();
        var desired = BridgeWithSandbox(sandbox);
        await f.Apply(AgentFixture.CreateAll(desired));
        ThrowawayNamespace.Run("ip", "netns", "add", other);
        ThrowawayNamespace.Run("ip", "netns", "add", unobserved);
        // A pair between two sandboxes (not part of the model), and a host veth whose far end is in
        // a namespace the observation does not cover: neither has a peer the observation can show.
        ThrowawayNamespace.Run("ip", "-n", sandbox, "link", "add", "npt-x0", "type", "veth", "peer", "name", "npt-x1", "netns", other);
        ThrowawayNamespace.Run("ip", "-n", f.Host.Name, "link", "add", "npt-hx", "type", "veth", "peer", "name", "npt-y", "netns", unobserved);

        var observed = (await f.Observe(Topology, namespaces: [sandbox, other], hostLinks: ["npt-hx"])).ToDictionary(o => o.Key);

        Assert.Equal(desired.Single(o => o.Key == "link:@host/npt-ve0"), observed["link:@host/npt-ve0"]);
        Assert.DoesNotContain($"link:{sandbox}/eth0", observed.Keys); // shown inside its host end
        Assert.Null(Assert.IsType<LinkObject>(observed[$"link:{sandbox}/npt-x0"]).Peer);
        Assert.Null(Assert.IsType<LinkObject>(observed[$"link:{other}/npt-x1"]).Peer);
        Assert.Null(Assert.IsType<LinkObject>(observed["link:@host/npt-hx"]).Peer);
    }
}
