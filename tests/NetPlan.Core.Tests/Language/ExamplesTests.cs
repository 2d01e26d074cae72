using NetPlan.Core.Diagnostics;
using NetPlan.Core.Language;

namespace NetPlan.Core.Tests.Language;

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

    [Fact]
    public void Full_example_resolves_paths_next_to_the_file_and_keeps_source_positions()
    {
        var path = Path.Combine(RepoPaths.Examples, "full.yml");
        var t = TopologyLoader.Load(path).Topology!;
        var edge1 = t.Node("edge1");
        Assert.Equal(Path.Combine(RepoPaths.Examples, "ssh_config"), edge1.Ssh.ConfigFile);
        Assert.Equal(Path.Combine(RepoPaths.Examples, "known_hosts"), edge1.Ssh.KnownHostsFile);
        Assert.Equal("edge1.example.org", edge1.Ssh.Host);
        Assert.Equal("192.0.2.12", t.Node("edge2").Ssh.Host);
        Assert.Equal(Path.Combine(RepoPaths.Examples, "ssh_config"), t.Node("edge2").Ssh.ConfigFile);
        Assert.Equal(new SourceSpan(path, 8, 3), edge1.At);
        Assert.Equal(new SourceSpan(path, 21, 3), t.Network("front").At);
        var web = t.Sandbox("web");
        Assert.Equal(new SourceSpan(path, 42, 3), web.At);
        Assert.Equal(["eth0", "eth1"], web.Endpoints.Select(e => e.InterfaceName));
        Assert.Equal("02:42:0a:0a:00:0a", web.Endpoints[0].MacAddress);
        Assert.Equal(4097, t.Network("back").Vni);
        Assert.Equal(ServiceMode.Ingress, Assert.Single(t.Services).Mode);
        Assert.Equal(["edge1", "edge2"], t.NodesOf(t.Network("back")));
        Assert.Equal(["edge1"], t.NodesOf(t.Network("front")));
    }
}
