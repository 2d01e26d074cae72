using System.Text.Json;
using NetPlan.Tests;

namespace NetPlan.EndToEnd.Tests.Local;

/// <summary>
/// Issue 8, saved plans: `plan -out` then `apply PLANFILE` executes exactly the saved operations,
/// and only on a host that has not changed since; a refused plan changes nothing.
/// </summary>
public class SavedPlanTests
{
    private static string Shop(params string[] sandboxes) => $"""
        version: 1
        name: shop
        nodes:
          local: {"{"} connection: local {"}"}
        networks:
          front:
            subnet: 10.77.0.0/24
        sandboxes:
        {string.Join("\n", (sandboxes.Length == 0 ? ["web", "api"] : sandboxes).Select(s => $"  {s}: {{ node: local, networks: [front] }}"))}
        """;

    private static async Task<string> SaveAsync(LocalHost host, string topology, string name = "shop.plan")
    {
        var plan = Path.Combine(host.Directory, name);
        var run = await host.NetplanAsync("plan", topology, "-out", plan);
        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
        Assert.Contains($"Saved the plan to {plan}", run.Stderr);
        return plan;
    }

    private static void AssertRefusedAsStale(Lab.Cmd.Result apply)
    {
        Assert.True(apply.ExitCode == 1, apply.Stderr + apply.Stdout);
        Assert.Matches(@"node 'local': the host changed since the plan was made \(saved plan fingerprint [0-9a-f]{8}…, now [0-9a-f]{8}…\); run 'netplan plan' again", apply.Stderr);
        Assert.Contains("nothing was changed on any node", apply.Stderr);
    }

    [SkippableFact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")] // reads the file mode
    public async Task A_saved_plan_converges_the_host_and_is_refused_the_second_time()
    {
        Privileged.Require();
        using var host = await LocalHost.StartAsync();
        var file = host.Topology(Shop());
        var before = await host.SnapshotAsync();

        var plan = await SaveAsync(host, file);

        Assert.Equal(before, await host.SnapshotAsync()); // planning changes nothing
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(plan));
        var apply = await host.NetplanAsync("apply", plan);
        Assert.True(apply.ExitCode == 0, apply.Stderr + apply.Stdout);
        Assert.Contains("Apply complete! Resources: 17 added, 1 changed, 0 destroyed.", apply.Stdout);
        Assert.True(await host.PingsAsync("web", "api"), "the saved plan's sandboxes reach each other by name");
        var converged = await host.NetplanAsync("plan", "--detailed-exitcode", file);
        Assert.True(converged.ExitCode == 0, converged.Stderr + converged.Stdout);

        var converegdSnapshot = await host.SnapshotAsync();
        AssertRefusedAsStale(await host.NetplanAsync("apply", plan));
        Assert.Equal(converegdSnapshot, await host.SnapshotAsync());
    }

    [SkippableFact]
    public async Task A_saved_plan_with_no_changes_applies_nothing()
    {
        Privileged.Require();
        using var host = await LocalHost.StartAsync();
        var file = host.Topology(Shop());
        Assert.Equal(0, (await host.NetplanAsync("apply", file)).ExitCode);

        var plan = await SaveAsync(host, file);
        var apply = await host.NetplanAsync("apply", plan);

        Assert.True(apply.ExitCode == 0, apply.Stderr + apply.Stdout);
        Assert.Contains("No changes.", apply.Stdout);
        Assert.DoesNotContain("Apply complete!", apply.Stdout);
        Assert.Equal(0, (await host.NetplanAsync("apply", plan)).ExitCode); // still the state it was made from
    }

    [SkippableFact]
    public async Task The_saved_plan_is_applied_not_the_topology_file_edited_or_removed_since()
    {
        Privileged.Require();
        using var host = await LocalHost.StartAsync();
        var file = host.Topology(Shop("web", "api"));
        var plan = await SaveAsync(host, file);

        host.Topology(Shop("web", "api", "cache"));
        File.Move(file, file + ".moved"); // apply needs nothing but the plan
        var apply = await host.NetplanAsync("apply", plan);

        Assert.True(apply.ExitCode == 0, apply.Stderr + apply.Stdout);
        var namespaces = (await host.ExecCheckAsync("ip", "netns", "list")).Stdout;
        Assert.Contains("web", namespaces);
        Assert.Contains("api", namespaces);
        Assert.DoesNotContain("cache", namespaces);
        var edited = await host.NetplanAsync("plan", "--detailed-exitcode", file + ".moved");
        Assert.True(edited.ExitCode == 2, edited.Stderr + edited.Stdout); // the edit is still to be applied
    }

    [SkippableFact]
    public async Task A_saved_plan_is_refused_after_an_owned_link_is_changed_by_hand() =>
        await AssertRefusedAfterAsync(async host =>
        {
            var bridge = BridgeName(await host.ExecCheckAsync("ip", "-j", "link", "show", "type", "bridge"));
            await host.ExecCheckAsync("ip", "link", "set", bridge, "mtu", "1400");
        });

    [SkippableFact]
    public async Task A_saved_plan_is_refused_after_a_sandbox_endpoint_is_deleted_by_hand() =>
        await AssertRefusedAfterAsync(host => host.InSandboxCheckAsync("web", "ip", "link", "del", "eth0"));

    /// <summary>
    /// Converges sandbox web, saves a plan that adds api, makes <paramref name="changeByHand"/>, and
    /// expects the plan refused with the host left exactly as the hand change left it.
    /// </summary>
    private static async Task AssertRefusedAfterAsync(Func<LocalHost, Task> changeByHand)
    {
        Privileged.Require();
        using var host = await LocalHost.StartAsync();
        var file = host.Topology(Shop("web"));
        Assert.Equal(0, (await host.NetplanAsync("apply", file)).ExitCode);
        host.Topology(Shop("web", "api"));
        var plan = await SaveAsync(host, file);

        await changeByHand(host);
        var changed = await SettledSnapshotAsync(host); // e.g. a bridge loses its carrier a moment after its port goes

        AssertRefusedAsStale(await host.NetplanAsync("apply", plan));
        Assert.Equal(changed, await host.SnapshotAsync());
    }

    [SkippableFact]
    public async Task A_saved_plan_is_refused_when_a_foreign_namespace_appears_in_its_way_but_not_for_one_elsewhere()
    {
        Privileged.Require();
        using var host = await LocalHost.StartAsync();
        var file = host.Topology(Shop());
        var plan = await SaveAsync(host, file);

        // Outside what the topology looks at: not a change to its hosts' state.
        await host.ExecCheckAsync("ip", "netns", "add", "someone-else");
        await host.ExecCheckAsync("ip", "link", "add", "br-foreign", "type", "bridge");
        var unrelated = await SaveAsync(host, file, "unrelated.plan");
        Assert.Equal(Fingerprints(await File.ReadAllTextAsync(plan)), Fingerprints(await File.ReadAllTextAsync(unrelated)));

        await host.ExecCheckAsync("ip", "netns", "add", "api"); // where the plan would create sandbox api
        var changed = await host.SnapshotAsync();

        AssertRefusedAsStale(await host.NetplanAsync("apply", plan));
        Assert.Equal(changed, await host.SnapshotAsync());
    }

    [SkippableFact]
    public async Task A_plan_with_errors_is_not_saved()
    {
        Privileged.Require();
        using var host = await LocalHost.StartAsync();
        await host.ExecCheckAsync("ip", "netns", "add", "api"); // foreign, where the topology wants its sandbox
        var plan = Path.Combine(host.Directory, "shop.plan");

        var run = await host.NetplanAsync("plan", host.Topology(Shop()), "--out", plan);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error NP0910", run.Stderr);
        Assert.Contains($"the plan was not saved to {plan}: it has errors", run.Stderr);
        Assert.False(File.Exists(plan));
    }

    [SkippableFact]
    public async Task Fingerprints_are_stable_on_a_host_that_does_not_change_even_with_traffic()
    {
        Privileged.Require();
        using var host = await LocalHost.StartAsync();
        var file = host.Topology(Shop());
        Assert.Equal(0, (await host.NetplanAsync("apply", file)).ExitCode);

        var first = await SaveAsync(host, file, "first.plan");
        // Traffic fills neighbour caches and counters; addrconf runs late after links come up.
        Assert.True(await host.PingsAsync("web", "api"));
        Assert.True(await host.PingsAsync("api", "10.77.0.1"));
        await Task.Delay(TimeSpan.FromSeconds(3));
        var second = await SaveAsync(host, file, "second.plan");

        Assert.Equal(Fingerprints(await File.ReadAllTextAsync(first)), Fingerprints(await File.ReadAllTextAsync(second)));
        Assert.Equal(0, (await host.NetplanAsync("apply", first)).ExitCode);
    }

    [SkippableFact]
    public async Task A_saved_destroy_plan_leaves_the_host_as_before_and_destroy_out_changes_nothing()
    {
        Privileged.Require();
        using var host = await LocalHost.StartAsync();
        await host.ExecCheckAsync("ip", "netns", "add", "someone-else");
        var before = await host.SnapshotAsync();
        var file = host.Topology(Shop());
        Assert.Equal(0, (await host.NetplanAsync("apply", file)).ExitCode);
        var converged = await host.SnapshotAsync();

        var plan = Path.Combine(host.Directory, "destroy.plan");
        var save = await host.NetplanAsync("destroy", file, "-out", plan);
        Assert.True(save.ExitCode == 0, save.Stderr + save.Stdout);
        Assert.Equal(converged, await host.SnapshotAsync());

        var apply = await host.NetplanAsync("apply", plan);
        Assert.True(apply.ExitCode == 0, apply.Stderr + apply.Stdout);
        Assert.Contains("Destroy complete!", apply.Stdout);
        Assert.Equal(before, await host.SnapshotAsync());
    }

    [SkippableFact]
    public async Task The_embedded_quick_start_can_be_saved_and_applied()
    {
        Privileged.Require();
        using var host = await LocalHost.StartAsync();
        var plan = Path.Combine(host.Directory, "quickstart.plan");
        Assert.Equal(0, (await host.NetplanAsync("plan", $"-out={plan}")).ExitCode);

        var apply = await host.NetplanAsync("apply", plan);

        Assert.True(apply.ExitCode == 0, apply.Stderr + apply.Stdout);
        Assert.Equal(0, (await host.NetplanAsync("plan", "--detailed-exitcode")).ExitCode);
    }

    /// <summary>A snapshot once the kernel has finished reacting to a change (carrier flags follow a deleted port asynchronously).</summary>
    private static async Task<string> SettledSnapshotAsync(LocalHost host)
    {
        var previous = await host.SnapshotAsync();
        for (var tries = 0; tries < 20; tries++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250));
            var current = await host.SnapshotAsync();
            if (current == previous) return current;
            previous = current;
        }
        throw new TimeoutException("the host did not settle after the change made by hand");
    }

    private static List<string> Fingerprints(string savedPlan)
    {
        using var document = JsonDocument.Parse(savedPlan);
        return document.RootElement.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("fingerprint").GetString()!).ToList();
    }

    private static string BridgeName(Lab.Cmd.Result ipJson)
    {
        using var document = JsonDocument.Parse(ipJson.Check("ip -j link show type bridge").Stdout);
        return document.RootElement.EnumerateArray().Select(l => l.GetProperty("ifname").GetString()!).Single(n => n.StartsWith("npb"));
    }
}
