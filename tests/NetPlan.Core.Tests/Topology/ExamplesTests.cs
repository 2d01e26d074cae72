using NetPlan.Core.Diagnostics;
using NetPlan.Core.Topology;

namespace NetPlan.Core.Tests.Topology;

public class ExamplesTests
{
    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var file in RepoPaths.ExampleFiles()) data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_example_loads_without_errors(string name)
    {
        var result = TopologyLoader.Load(Path.Combine(RepoPaths.Examples, name));
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Empty(result.Errors);
    }

    [Fact]
    public void The_required_examples_exist()
    {
        var names = RepoPaths.ExampleFiles().Select(Path.GetFileName).ToList();
        Assert.Contains("quickstart.yml", names);
        Assert.Contains("multihost-overlay.yml", names);
        Assert.Contains("published-ports.yml", names);
        Assert.Contains("macvlan.yml", names);
        Assert.Contains("full.yml", names);
    }

    [Fact]
    public void Quickstart_is_one_local_node_with_sandboxes_on_one_bridge()
    {
        var t = TopologyLoader.Load(Path.Combine(RepoPaths.Examples, "quickstart.yml")).Topology!;
        var node = Assert.Single(t.Nodes);
        Assert.Equal(Connection.Local, node.Connection);
        var network = Assert.Single(t.Networks);
        Assert.Equal(Driver.Bridge, network.Driver);
        Assert.InRange(t.Sandboxes.Count, 2, 3);
        Assert.All(t.Sandboxes, s => Assert.Equal(network.Name, Assert.Single(s.Endpoints).Network));
    }

    [Fact]
    public void Full_example_from_the_issue_is_valid_with_one_warning_for_its_unused_macvlan_network()
    {
        var result = TopologyLoader.Load(Path.Combine(RepoPaths.Examples, "full.yml"));
        Assert.NotNull(result.Topology);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(Severity.Warning, warning.Severity);
        Assert.Equal(Codes.UnusedNetwork, warning.Code);
        Assert.Contains("'lan'", warning.Message);
    }
}
