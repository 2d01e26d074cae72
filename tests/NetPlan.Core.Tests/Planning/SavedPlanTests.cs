using System.Text.Json.Nodes;
using NetPlan.Core.Language;
using NetPlan.Core.Planning;
using NetPlan.Core.Planning.Saved;
using NetPlan.Core.State;

namespace NetPlan.Core.Tests.Planning;

/// <summary>The saved plan file (`plan -out`): an exact round trip, and a clear refusal of anything that is not one this build wrote.</summary>
public class SavedPlanTests
{
    private const string Version = "0.1.0+test";
    private const string File = "shop.plan";

    private const string ShopYaml = """
        version: 1
        name: shop
        nodes:
          edge1: { connection: local }
          edge2: { connection: ssh, address: 192.0.2.7 }
        networks:
          front: { subnet: 10.10.0.0/24 }
        sandboxes:
          web: { node: edge1, networks: [front] }
          "db": { node: edge2, networks: [front] }   # quotes and "non-ASCII →" survive the trip
        """;

    private static (Topology Topology, PlanResult Plan, Dictionary<string, Observation> Observed) Planned()
    {
        var topology = TopologyLoader.Parse(ShopYaml, "/srv/shop/topology.yml").Topology!;
        var observed = Fixtures.EmptyHosts(topology);
        return (topology, Planner.Plan(topology, observed), observed);
    }

    private static SavedPlan Save(PlanResult plan, PlanKind kind = PlanKind.Apply) =>
        SavedPlan.Create(Version, new DateTimeOffset(2026, 11, 22, 11, 0, 0, TimeSpan.Zero), kind,
            new SavedTopology("shop", "/srv/shop/topology.yml", ShopYaml), plan.Hosts);

    private static void AssertSameOperations(IReadOnlyList<HostPlan> expected, IReadOnlyList<HostPlan> actual)
    {
        Assert.Equal(expected.Select(h => (h.Node, h.Fingerprint)), actual.Select(h => (h.Node, h.Fingerprint)));
        foreach (var (e, a) in expected.Zip(actual))
        {
            Assert.Equal(e.Operations.Count, a.Operations.Count);
            foreach (var (eo, ao) in e.Operations.Zip(a.Operations))
            {
                Assert.Equal((eo.Action, eo.Before, eo.After, eo.ImpliedBy), (ao.Action, ao.Before, ao.After, ao.ImpliedBy));
                Assert.Equal(eo.Changed, ao.Changed);
            }
        }
    }

    [Fact]
    public void An_apply_plan_reads_back_exactly_with_its_topology()
    {
        var (_, plan, _) = Planned();
        Assert.True(plan.HasChanges);
        var saved = Save(plan);

        var text = SavedPlanFile.Write(saved);
        var read = SavedPlanFile.Read(text, File, Version);

        Assert.True(read.Succeeded, string.Join("\n", read.Diagnostics));
        AssertSameOperations(plan.Hosts, read.Plan!.Nodes);
        Assert.Equal((PlanKind.Apply, saved.CreatedAt, ShopYaml), (read.Plan.Kind, read.Plan.CreatedAt, read.Plan.Topology.Source));
        Assert.Equal(["edge1", "edge2"], read.Topology!.Nodes.Select(n => n.Name));
        Assert.Equal(text, SavedPlanFile.Write(read.Plan));
        Assert.Contains("non-ASCII →", text); // readable, not \u2192
        Assert.Equal(PlanFileContent.SavedPlan, SavedPlanFile.Recognise(text));
    }

    [Fact]
    public void The_topology_read_from_the_plan_plans_the_same_operations()
    {
        var (_, plan, observed) = Planned();
        var read = SavedPlanFile.Read(SavedPlanFile.Write(Save(plan)), File, Version);

        AssertSameOperations(plan.Hosts, Planner.Plan(read.Topology!, observed).Hosts);
    }

    [Fact]
    public void A_destroy_plan_keeps_its_kind_implied_deletes_and_changed_paths()
    {
        var (topology, plan, observed) = Planned();
        var converged = Fixtures.AfterApply(plan, observed);
        var destroy = Planner.PlanDestroy(topology, converged);
        Assert.Contains(destroy.Hosts.SelectMany(h => h.Operations), o => o.ImpliedBy is not null);

        var read = SavedPlanFile.Read(SavedPlanFile.Write(Save(destroy, PlanKind.Destroy)), File, Version);

        Assert.Equal(PlanKind.Destroy, read.Plan!.Kind);
        AssertSameOperations(destroy.Hosts, read.Plan.Nodes);
    }

    [Fact]
    public void A_truncated_plan_is_damaged_and_the_error_is_located()
    {
        var text = SavedPlanFile.Write(Save(Planned().Plan));

        var read = SavedPlanFile.Read(text[..(text.Length / 2)], File, Version);

        var error = Assert.Single(read.Diagnostics);
        Assert.Equal(SavedPlanCodes.Corrupt, error.Code);
        Assert.True(error.At.Line > 1, error.ToString());
        Assert.Equal(PlanFileContent.SavedPlan, SavedPlanFile.Recognise(text[..(text.Length / 2)]));
    }

    [Theory]
    [InlineData("fingerprint", SavedPlanCodes.Corrupt)]
    [InlineData("topology", SavedPlanCodes.Corrupt)]
    [InlineData("netplan_version", SavedPlanCodes.Corrupt)]
    public void A_plan_missing_a_key_is_damaged(string key, string code)
    {
        var json = JsonNode.Parse(SavedPlanFile.Write(Save(Planned().Plan)))!;
        if (key == "fingerprint") json["nodes"]![0]!.AsObject().Remove(key);
        else json.AsObject().Remove(key);

        var read = SavedPlanFile.Read(json.ToJsonString(), File, Version);

        Assert.False(read.Succeeded);
        Assert.Equal(code, Assert.Single(read.Diagnostics).Code);
        Assert.Contains(key, read.Diagnostics[0].Message);
    }

    [Fact]
    public void Edits_no_plan_can_have_are_refused()
    {
        string Edited(Action<JsonNode> edit)
        {
            var json = JsonNode.Parse(SavedPlanFile.Write(Save(Planned().Plan)))!;
            edit(json);
            return json.ToJsonString();
        }

        var badFingerprint = SavedPlanFile.Read(Edited(j => j["nodes"]![0]!["fingerprint"] = "abc"), File, Version);
        var createWithoutObject = SavedPlanFile.Read(Edited(j => j["nodes"]![0]!["operations"]![0]!["after"] = null), File, Version);
        var twice = SavedPlanFile.Read(Edited(j => j["nodes"]![1]!["node"] = "edge1"), File, Version);

        Assert.Contains("fingerprint 'abc'", Assert.Single(badFingerprint.Diagnostics).Message);
        Assert.Contains("operation 1 (create)", Assert.Single(createWithoutObject.Diagnostics).Message);
        Assert.Contains("'edge1' is planned twice", Assert.Single(twice.Diagnostics).Message);
        Assert.All([badFingerprint, createWithoutObject, twice], r => Assert.Equal(SavedPlanCodes.Corrupt, r.Diagnostics[0].Code));
    }

    [Fact]
    public void A_plan_in_a_future_format_is_refused_before_it_is_read()
    {
        var json = JsonNode.Parse(SavedPlanFile.Write(Save(Planned().Plan)))!;
        json["format_version"] = "2.0";
        json["nodes"] = "shaped differently in format 2";

        var error = Assert.Single(SavedPlanFile.Read(json.ToJsonString(), File, Version).Diagnostics);

        Assert.Equal(SavedPlanCodes.FutureFormat, error.Code);
        Assert.Contains("format 2.0, written by a newer netplan", error.Message);
    }

    [Fact]
    public void A_newer_minor_format_with_extra_keys_is_read()
    {
        var json = JsonNode.Parse(SavedPlanFile.Write(Save(Planned().Plan)))!;
        json["format_version"] = "1.7";
        json["something_added_later"] = true;

        Assert.True(SavedPlanFile.Read(json.ToJsonString(), File, Version).Succeeded);
    }

    [Fact]
    public void A_plan_made_by_another_build_is_refused()
    {
        var text = SavedPlanFile.Write(Save(Planned().Plan));

        var error = Assert.Single(SavedPlanFile.Read(text, File, "0.2.0+other").Diagnostics);

        Assert.Equal(SavedPlanCodes.OtherVersion, error.Code);
        Assert.Contains("made by netplan 0.1.0+test and this is netplan 0.2.0+other", error.Message);
    }

    [Fact]
    public void A_saved_topology_that_no_longer_loads_or_does_not_match_the_nodes_is_refused()
    {
        var broken = Save(Planned().Plan) with { Topology = new SavedTopology("shop", "/srv/shop/topology.yml", ShopYaml.Replace("10.10.0.0/24", "10.10.0.0/33")) };
        var otherNodes = Save(Planned().Plan) with { Topology = new SavedTopology("shop", "/srv/shop/topology.yml", ShopYaml.Replace("edge2", "edge3")) };
        var otherName = Save(Planned().Plan) with { Topology = new SavedTopology("shop2", "/srv/shop/topology.yml", ShopYaml) };

        var notLoading = SavedPlanFile.Read(SavedPlanFile.Write(broken), File, Version);
        var mismatch = Assert.Single(SavedPlanFile.Read(SavedPlanFile.Write(otherNodes), File, Version).Diagnostics);
        var renamed = Assert.Single(SavedPlanFile.Read(SavedPlanFile.Write(otherName), File, Version).Diagnostics);

        Assert.Contains(notLoading.Diagnostics, d => d.At.File == "/srv/shop/topology.yml" && d.At.Line == 7);
        Assert.Equal(SavedPlanCodes.TopologyMismatch, notLoading.Diagnostics[^1].Code);
        Assert.Equal(SavedPlanCodes.TopologyMismatch, mismatch.Code);
        Assert.Contains("'edge1', 'edge2' but its topology has 'edge1', 'edge3'", mismatch.Message);
        Assert.Contains("names topology 'shop2'", renamed.Message);
    }

    [Fact]
    public void The_printed_json_plan_is_recognised_and_refused_with_the_way_to_save_one()
    {
        var (_, plan, _) = Planned();
        var printed = PlanRenderer.Json("shop", plan);

        Assert.Equal(PlanFileContent.PrintedPlan, SavedPlanFile.Recognise(printed));
        var error = Assert.Single(SavedPlanFile.Read(printed, File, Version).Diagnostics);
        Assert.Equal(SavedPlanCodes.NotASavedPlan, error.Code);
        Assert.Contains("netplan plan -out FILE", error.Message);
    }

    [Theory]
    [InlineData("version: 1\nname: shop\n")]
    [InlineData("{\"version\": 1, \"name\": \"shop\", \"nodes\": {\"n\": {\"connection\": \"local\"}}}")]
    [InlineData("{ this is not json")]
    [InlineData("")]
    [InlineData("[1, 2]")]
    public void Topologies_and_other_text_are_not_taken_for_plans(string text) =>
        Assert.Equal(PlanFileContent.Topology, SavedPlanFile.Recognise(text));

    [Fact]
    public void A_plan_is_stale_on_exactly_the_hosts_whose_state_changed()
    {
        var (topology, plan, observed) = Planned();
        var saved = Save(plan);
        var converged = Fixtures.AfterApply(plan, observed);

        Assert.Empty(StalePlan.ChangedHosts(saved, observed));
        var changed = Assert.Single(StalePlan.ChangedHosts(saved, new Dictionary<string, Observation>(observed) { ["edge2"] = converged["edge2"] }));

        Assert.Equal("edge2", changed.Node);
        Assert.Equal(Fingerprint.Of(converged["edge2"].State), changed.CurrentFingerprint);
        Assert.Equal(
            $"node 'edge2': the host changed since the plan was made (saved plan fingerprint {changed.SavedFingerprint[..8]}…, now {changed.CurrentFingerprint[..8]}…); run 'netplan plan' again",
            changed.ToString());
        Assert.Equal(2, topology.Nodes.Count);
    }
}
