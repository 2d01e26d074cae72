using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using NetPlan.Agent.Firewall;
using NetPlan.Kernel.Nftables;
using NetPlan.Tests;

namespace NetPlan.Kernel.Tests.Firewall;

/// <summary>
/// The ruleset NetPlan writes for every combination of internal / masquerade / icc / published
/// ports, written to a throwaway namespace through netlink and listed back by <c>nft -j</c> (the
/// independent witness), compared with a golden file under Firewall/Golden/. Set
/// NETPLAN_UPDATE_GOLDEN=1 to rewrite them from the current output, then review the diff.
/// </summary>
public class FirewallGoldenTests
{
    [SkippableTheory]
    [MemberData(nameof(FirewallCombinations.Names), MemberType = typeof(FirewallCombinations))]
    public void Firewall_ruleset_as_nft_lists_it_matches_the_golden_file_and_reads_back_as_written(string combination)
    {
        Privileged.Require();
        var tables = FirewallCombinations.Tables(FirewallCombinations.Named(combination));
        using var ns = new ThrowawayNamespace();
        using var nft = NftablesClient.OpenIn(ns.Path);
        var listed = new JsonArray();
        foreach (var table in tables)
        {
            nft.ReplaceTable(FirewallForms.ToKernel(table));

            // Read back through the agent's own path: exactly the object that was written, so a plan after apply is empty.
            var read = nft.ReadTable(FirewallForms.Family(table.Family), table.Name);
            Assert.NotNull(read);
            Assert.Equal(table, FirewallForms.FromKernel(read));

            var json = JsonNode.Parse(ns.Exec("nft", "-j", "list", "table", table.Family, table.Name))!["nftables"]!.AsArray();
            foreach (var item in json)
                if (item is JsonObject o && !o.ContainsKey("metainfo")) listed.Add(item.DeepClone());
        }
        Verify(combination + ".json", listed.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private static void Verify(string name, string actual, [CallerFilePath] string caller = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(caller)!, "Golden", name);
        if (Environment.GetEnvironmentVariable("NETPLAN_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"golden file {path} is missing; run with NETPLAN_UPDATE_GOLDEN=1 to create it");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
