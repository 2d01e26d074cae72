using NetPlan.Core.Diagnostics;
using NetPlan.Core.Planning;
using NetPlan.Core.State;
using NetPlan.Core.Tests.Language;
using NetPlan.Core.Language;
using static NetPlan.Core.Tests.Planning.Fixtures;

namespace NetPlan.Core.Tests.Planning;

/// <summary>
/// Golden plans of every file in examples/, planned against empty hosts whose kernel is like this
/// machine's (no ipvlan) with eth0 holding the node's address and eth1/eth2 as macvlan parents.
/// A change to compilation shows here as a reviewed diff of what users would see.
/// </summary>
public class ExamplePlanTests
{
    public static TheoryData<string> Examples => new(RepoPaths.ExampleFiles().Select(Path.GetFileNameWithoutExtension).OfType<string>());

    [Theory]
    [MemberData(nameof(Examples))]
    public void Text_plan_of_the_example_matches_its_golden_file(string example)
    {
        var (topology, plan) = PlanExample(example);
        // As the CLI shows it: a plan with errors is only its errors (nothing would be applied).
        GoldenFiles.Verify($"example-{example}.txt", plan.HasErrors ? Errors(plan) : PlanRenderer.Text(plan));
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Json_plan_of_the_example_matches_its_golden_file(string example)
    {
        var (topology, plan) = PlanExample(example);
        GoldenFiles.Verify($"example-{example}.json", PlanRenderer.Json(topology.Name, plan));
    }

    private static (NetPlan.Core.Language.Topology Topology, PlanResult Plan) PlanExample(string example)
    {
        var path = Path.Combine(RepoPaths.Examples, example + ".yml");
        var loaded = TopologyLoader.Parse(File.ReadAllText(path), $"examples/{example}.yml", homeDirectory: "/home/user");
        var topology = loaded.Topology ?? throw new InvalidOperationException($"{example} does not load: {string.Join("; ", loaded.Diagnostics)}");
        var parents = new[] { new HostInterface("eth1", 1500, true, []), new HostInterface("eth2", 1500, true, []) };
        return (topology, Planner.Plan(topology, EmptyHosts(topology, 1500, parents)));
    }

    private static string Errors(PlanResult plan) =>
        string.Concat(plan.Errors.Select(e => DiagnosticReport.FormatLine(e) + "\n"));
}
