using NetPlan.Core.Planning;
using NetPlan.Core.Planning.Rendering;
using NetPlan.Core.State;
using static NetPlan.Core.Tests.Planning.Fixtures;

namespace NetPlan.Core.Tests.Planning;

/// <summary>Golden files of the text and JSON plans for representative situations.</summary>
public class PlanRenderingTests
{
    public static TheoryData<string> Scenarios => new(PlanScenarios.All.Keys);

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Text_plan_matches_golden_file(string scenario)
    {
        var (topology, plan) = PlanScenarios.All[scenario]();
        GoldenFiles.Verify($"{scenario}.txt", PlanRenderer.Text(plan));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Json_plan_matches_golden_file(string scenario)
    {
        var (topology, plan) = PlanScenarios.All[scenario]();
        GoldenFiles.Verify($"{scenario}.json", PlanRenderer.Json(topology, plan));
    }

    [Fact]
    public void Text_plan_ends_with_the_terraform_summary_line()
    {
        var (_, plan) = PlanScenarios.All["shop-changes"]();
        var lines = PlanRenderer.Text(plan).TrimEnd('\n').Split('\n');
        Assert.Equal($"Plan: {plan.Summary.Add} to add, {plan.Summary.Change} to change, {plan.Summary.Destroy} to destroy.", lines[^1]);
        Assert.Contains(lines, l => l.StartsWith("  ~ link @host/npb"));
        Assert.Contains(lines, l => l.Contains("~ mtu: 1500 → 9000"));
        Assert.Contains(lines, l => l.Contains("# implied by netns:db"));
    }

    [Fact]
    public void Replacement_shows_the_attribute_that_forces_it()
    {
        var (_, plan) = PlanScenarios.All["mesh-vni-change"]();
        var text = PlanRenderer.Text(plan);
        Assert.Matches(@"  -/\+ link @host/npxbackb-[0-9a-z]{6} \(vxlan\)\n      ~ vxlan\.vni: 5000 → 6000  # forces replacement\n", text);
    }

    [Fact]
    public void Typed_lines_say_what_each_line_is()
    {
        var (_, plan) = PlanScenarios.All["shop-changes"]();
        var lines = PlanRenderer.Lines(plan).ToList();
        Assert.Equal(PlanRenderer.Text(plan), string.Concat(lines.Select(l => l.Text + "\n")));
        Assert.Equal(PlanLineKind.NodeHeader, lines[0].Kind);
        Assert.Equal(PlanLineKind.Summary, lines[^1].Kind);
        Assert.All(lines.Where(l => l.Text.Contains("# implied by")), l => Assert.Equal(PlanLineKind.ImpliedDelete, l.Kind));
        Assert.Contains(lines, l => l.Kind == PlanLineKind.Update && l.Text.StartsWith("  ~ "));
        Assert.Contains(lines, l => l.Kind == PlanLineKind.Delete && l.Text == "  - netns db");
    }

    [Fact]
    public void An_empty_plan_says_so()
    {
        var (_, plan) = PlanScenarios.All["shop-no-changes"]();
        Assert.Equal("No changes. The hosts match the topology.\n", PlanRenderer.Text(plan));
    }

    [Fact]
    public void Json_plan_round_trips_through_the_source_generated_context()
    {
        var (topology, plan) = PlanScenarios.All["shop-changes"]();
        var json = PlanRenderer.Json(topology, plan);
        var document = System.Text.Json.JsonSerializer.Deserialize(json, NetPlan.Core.Planning.Rendering.PlanJson.Default.PlanDocument)!;
        Assert.Equal("1.0", document.FormatVersion);
        var ops = document.Nodes.Single().Operations;
        Assert.Equal(plan.Hosts.Single().Operations.Select(o => o.Key), ops.Select(o => o.Key));
        Assert.Equal(plan.Hosts.Single().Operations.Select(o => o.After), ops.Select(o => o.After));
        Assert.Equal(plan.Summary.Destroy, document.Summary.Destroy);
    }
}

/// <summary>The plans the golden files show. Each returns the topology name and the plan.</summary>
internal static class PlanScenarios
{
    public static readonly IReadOnlyDictionary<string, Func<(string Topology, PlanResult Plan)>> All =
        new Dictionary<string, Func<(string, PlanResult)>>
        {
            ["shop-create"] = () => ("shop", Plan(Shop("web", "db"), EmptyHosts(Shop()))),
            ["shop-no-changes"] = () =>
            {
                var topology = Shop("web", "db");
                return ("shop", Plan(topology, Applied(topology)));
            },
            ["shop-changes"] = () =>
            {
                // mtu 1500 → 9000, db removed, cache added.
                var before = Shop("web", "db");
                var after = Shop("web", "cache");
                after = after with { Networks = [after.Networks[0] with { Mtu = 9000 }] };
                return ("shop", Plan(after, Applied(before)));
            },
            ["shop-destroy"] = () =>
            {
                var topology = Shop("web", "db");
                var observed = Applied(topology);
                observed["edge1"] = observed["edge1"] with
                {
                    State = new HostState([.. observed["edge1"].State.Objects, new LinkObject("", "br-foreign", LinkKind.Bridge) { Up = true }]),
                };
                return ("shop", Planner.PlanDestroy(topology, observed));
            },
            ["shop-conflict"] = () =>
            {
                var topology = Shop("web");
                var observed = EmptyHosts(topology);
                observed["edge1"] = observed["edge1"] with { State = new HostState([new NamespaceObject("web")]) };
                return ("shop", Planner.Plan(topology, observed));
            },
            ["mesh-create"] = () => ("mesh", Plan(Mesh(), EmptyHosts(Mesh()))),
            ["mesh-vni-change"] = () => ("mesh", Plan(Mesh(vni: 6000), Applied(Mesh(vni: 5000)))),
        };

    private static PlanResult Plan(NetPlan.Core.Language.Topology topology, IReadOnlyDictionary<string, Observation> observed) =>
        Planner.Plan(topology, observed);

    private static Dictionary<string, Observation> Applied(NetPlan.Core.Language.Topology topology)
    {
        var empty = EmptyHosts(topology);
        var plan = Planner.Plan(topology, empty);
        Assert.Empty(plan.Errors);
        return AfterApply(plan, empty);
    }
}
