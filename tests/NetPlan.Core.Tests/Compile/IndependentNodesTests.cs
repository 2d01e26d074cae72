using NetPlan.Core.Compile;
using NetPlan.Core.Planning;
using static NetPlan.Core.Tests.Planning.Fixtures;

namespace NetPlan.Core.Tests.Compile;

public class IndependentNodesTests
{
    // a: a network of its own. b and c: an overlay between them. d: a bridge with a sandbox of its own.
    private static readonly NetPlan.Core.Language.Topology Topology = Topo("t",
        [Node("a", "198.51.100.1"), Node("b", "198.51.100.2"), Node("c", "198.51.100.3"), Node("d", "198.51.100.4")],
        [Bridge("solo", "10.1.0.0/24"), Overlay("pair", "10.2.0.0/24"), Bridge("own", "10.3.0.0/24")],
        [Sandbox("s1", "a", Ep("solo")), Sandbox("s2", "b", Ep("pair")), Sandbox("s3", "c", Ep("pair")), Sandbox("s4", "d", Ep("own"))]);

    [Fact]
    public void Nodes_sharing_a_network_with_a_missing_node_are_held_back_with_the_network_named()
    {
        var heldBack = IndependentNodes.HeldBack(Topology, ["c"]);

        var (node, reason) = Assert.Single(heldBack);
        Assert.Equal("b", node);
        Assert.Equal("network 'pair' also spans node 'c', which could not be observed", reason);
        Assert.Empty(IndependentNodes.HeldBack(Topology, []));
        Assert.Empty(IndependentNodes.HeldBack(Topology, ["a"]));
    }

    [Fact]
    public void An_independent_node_is_planned_exactly_as_in_a_full_run()
    {
        var all = EmptyHosts(Topology);
        var full = Planner.Plan(Topology, all);
        var withoutC = all.Where(kv => kv.Key != "c").ToDictionary(kv => kv.Key, kv => kv.Value);

        var partial = Planner.Plan(Topology, withoutC, new HashSet<string> { "a", "d" });

        Assert.False(partial.HasErrors, string.Join("\n", partial.Errors));
        Assert.Equal(["a", "d"], partial.Hosts.Select(h => h.Node));
        foreach (var host in partial.Hosts)
        {
            var expected = full.Hosts.Single(h => h.Node == host.Node);
            Assert.Equal(expected.Fingerprint, host.Fingerprint);
            Assert.Equal(expected.Operations, host.Operations);
            Assert.NotEmpty(host.Operations);
        }
    }
}
