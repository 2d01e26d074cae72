using System.Text.Json;
using NetPlan.Tests;

namespace NetPlan.EndToEnd.Tests.Local;

/// <summary>
/// Issue 4 end to end: the real CLI applies bridge topologies to a stand-in host (private network,
/// mount and PID namespaces), checked with real packets and iproute2 as the witness.
/// </summary>
public class LocalApplyTests
{
    private static string Shop(string subnet = "10.77.0.0/24", params string[] sandboxes) => $"""
        version: 1
        name: shop
        nodes:
          local: {"{"} connection: local {"}"}
        networks:
          front:
            subnet: {subnet}
        sandboxes:
        {string.Join("\n", (sandboxes.Length == 0 ? ["web", "api", "db"] : sandboxes).Select(s => $"  {s}: {{ node: local, networks: [front] }}"))}
        """;

    [SkippableFact]
    public async Task Sandboxes_on_one_bridge_reach_each_other_and_their_gateway_and_a_second_plan_is_empty()
    {
        Privileged.Require();
        using var host = await LocalHost.StartAsync();
        var file = host.Topology(Shop());

        var apply = await host.NetplanAsync("apply", file);
        Assert.True(apply.ExitCode == 0, apply.Stderr + apply.Stdout);
        // 3 namespaces, bridge, 3 veths, gateway + 3 addresses, 3 routes, 3 × (hosts, resolv.conf, hostname)
        Assert.Contains("Plan: 24 to add, 1 to change, 0 to destroy.", apply.Stdout); // + the firewall table; ip_forward 0 → 1
        Assert.Contains("Apply complete!", apply.Stdout);

        Assert.True(await host.PingsAsync("web", "10.77.0.1"), "web reaches its gateway");
        var apiAddress = SandboxAddress(await host.InSandboxAsync("api", "ip", "-j", "-4", "addr", "show", "eth0"));
        Assert.True(await host.PingsAsync("web", apiAddress), $"web reaches api at {apiAddress}");
        Assert.True(await host.PingsAsync("db", apiAddress), "db reaches api");
        var route = await host.InSandboxAsync("web", "ip", "route", "show", "default");
        Assert.Contains("default via 10.77.0.1 dev eth0", route.Stdout);
        Assert.Contains("UP", (await host.InSandboxAsync("web", "ip", "-br", "link", "show", "lo")).Stdout);

        var again = await host.NetplanAsync("plan", "--detailed-exitcode", file);
        Assert.True(again.ExitCode == 0, again.Stderr + again.Stdout);
        Assert.Contains("No changes.", again.Stdout);
        var secondApply = await host.NetplanAsync("apply", file);
        Assert.Equal(0, secondApply.ExitCode);
        Assert.DoesNotContain("Apply complete!", secondApply.Stdout);
    }

    [SkippableFact]
    public async Task An_endpoint_deleted_by_hand_is_drift_and_apply_repairs_it()
    {
        Privileged.Require();
        using var host = await LocalHost.StartAsync();
        var file = host.Topology(Shop());
        Assert.Equal(0, (await host.NetplanAsync("apply", file)).ExitCode);

        await host.InSandboxAsync("api", "ip", "link", "del", "eth0");

        var drift = await host.NetplanAsync("plan", "--detailed-exitcode", file);
        Assert.True(drift.ExitCode == 2, drift.Stderr + drift.Stdout);
        Assert.Contains("(veth)", drift.Stdout);
        Assert.Contains("Plan: 3 to add, 0 to change, 0 to destroy.", drift.Stdout); // the veth, its address, the default route

        var repair = await host.NetplanAsync("apply", file);
        Assert.True(repair.ExitCode == 0, repair.Stderr + repair.Stdout);
        Assert.True(await host.PingsAsync("api", "10.77.0.1"));
        Assert.Equal(0, (await host.NetplanAsync("plan", "--detailed-exitcode", file)).ExitCode);
    }

    [SkippableFact]
    public async Task Adding_and_removing_sandboxes_touches_only_them_and_never_renumbers_the_others()
    {
        Privileged.Require();
        using var host = await LocalHost.StartAsync();
        var file = host.Topology(Shop(sandboxes: ["web", "db"]));
        Assert.Equal(0, (await host.NetplanAsync("apply", file)).ExitCode);
        var dbBefore = SandboxAddress(await host.InSandboxAsync("db", "ip", "-j", "-4", "addr", "show", "eth0"));

        // A new sandbox declared first must not take the addresses the others hold.
        host.Topology(Shop(sandboxes: ["cache", "web", "db"]));
        var add = await host.NetplanAsync("plan", "--json", file);
        var operations = Operations(add.Stdout);
        var creates = operations.Where(o => o.Action == "create").ToList();
        Assert.All(creates, o => Assert.Contains("cache", o.Key));
        Assert.Equal(7, creates.Count); // netns, veth, address, default route, hosts, resolv.conf, hostname
        // The only other change: the peers now resolve the newcomer by name.
        Assert.Equal(["file:/etc/netns/db/hosts", "file:/etc/netns/web/hosts"],
            operations.Where(o => o.Action != "create").Select(o => $"{o.Key}").Order());
        Assert.All(operations.Where(o => o.Action != "create"), o => Assert.Equal("update", o.Action));
        Assert.Equal(0, (await host.NetplanAsync("apply", file)).ExitCode);
        Assert.Equal(dbBefore, SandboxAddress(await host.InSandboxAsync("db", "ip", "-j", "-4", "addr", "show", "eth0")));
        Assert.True(await host.PingsAsync("cache", dbBefore));

        host.Topology(Shop(sandboxes: ["cache", "db"]));
        var remove = Operations((await host.NetplanAsync("plan", "--json", file)).Stdout);
        Assert.All(remove.Where(o => o.Action == "delete"), o => Assert.Contains("web", o.Key));
        Assert.Equal(["file:/etc/netns/cache/hosts", "file:/etc/netns/db/hosts"],
            remove.Where(o => o.Action != "delete").Select(o => o.Key).Order());
        var applied = await host.NetplanAsync("apply", file);
        Assert.True(applied.ExitCode == 0, applied.Stderr + applied.Stdout);
        Assert.DoesNotContain("web", (await host.ExecCheckAsync("ip", "netns", "list")).Stdout);
        Assert.Equal(dbBefore, SandboxAddress(await host.InSandboxAsync("db", "ip", "-j", "-4", "addr", "show", "eth0")));
    }

    [SkippableFact]
    public async Task Changing_the_subnet_converges_and_traffic_flows_on_the_new_one()
    {
        Privileged.Require();
        using var host = await LocalHost.StartAsync();
        var file = host.Topology(Shop());
        Assert.Equal(0, (await host.NetplanAsync("apply", file)).ExitCode);

        host.Topology(Shop(subnet: "10.78.0.0/24"));
        var plan = await host.NetplanAsync("plan", "--detailed-exitcode", file);
        Assert.Equal(2, plan.ExitCode);
        Assert.Contains("10.78.0.1/24", plan.Stdout);
        Assert.DoesNotContain("netns", plan.Stdout.Split('\n').Where(l => l.TrimStart().StartsWith('+') || l.TrimStart().StartsWith('-')).Where(l => l.Contains("netns ")));

        var apply = await host.NetplanAsync("apply", file);
        Assert.True(apply.ExitCode == 0, apply.Stderr + apply.Stdout);
        Assert.True(await host.PingsAsync("web", "10.78.0.1"));
        Assert.Equal(0, (await host.NetplanAsync("plan", "--detailed-exitcode", file)).ExitCode);
    }

    [SkippableFact]
    public async Task Destroy_leaves_the_host_exactly_as_before_including_foreign_objects()
    {
        Privileged.Require();
        using var host = await LocalHost.StartAsync();
        await host.ExecCheckAsync("ip", "link", "add", "br-foreign", "type", "bridge");
        await host.ExecCheckAsync("ip", "addr", "add", "192.0.2.1/24", "dev", "br-foreign");
        await host.ExecCheckAsync("ip", "link", "set", "br-foreign", "up");
        await host.ExecCheckAsync("ip", "netns", "add", "someone-else");
        var before = await host.SnapshotAsync();
        var file = host.Topology(Shop());

        Assert.Equal(0, (await host.NetplanAsync("apply", file)).ExitCode);
        Assert.NotEqual(before, await host.SnapshotAsync());
        var destroy = await host.NetplanAsync("destroy", file);

        Assert.True(destroy.ExitCode == 0, destroy.Stderr + destroy.Stdout);
        Assert.True(destroy.Stdout.Contains("Destroy complete! Resources: 24 destroyed."), destroy.Stdout);
        Assert.Equal(before, await host.SnapshotAsync());
        Assert.Equal(0, (await host.NetplanAsync("destroy", file)).ExitCode); // nothing left: a no-op
    }

    [SkippableFact]
    public async Task A_foreign_namespace_in_the_way_is_a_plan_error_and_nothing_changes()
    {
        Privileged.Require();
        using var host = await LocalHost.StartAsync();
        await host.ExecCheckAsync("ip", "netns", "add", "api");
        var before = await host.SnapshotAsync();

        var apply = await host.NetplanAsync("apply", host.Topology(Shop()));

        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("'api'", apply.Stderr);
        Assert.Contains("not owned", apply.Stderr);
        Assert.Equal(before, await host.SnapshotAsync());
    }

    [SkippableFact]
    public async Task The_embedded_quick_start_applies_with_no_file()
    {
        Privileged.Require();
        using var host = await LocalHost.StartAsync();

        var apply = await host.NetplanAsync("apply");

        Assert.True(apply.ExitCode == 0, apply.Stderr + apply.Stdout);
        Assert.True(await host.PingsAsync("client", "web"), "names resolve and answer on the quick start's network");
        Assert.Equal(0, (await host.NetplanAsync("destroy")).ExitCode);
    }

    private sealed record PlannedOperation(string Action, string Key);

    private static List<PlannedOperation> Operations(string planJson)
    {
        using var document = JsonDocument.Parse(planJson);
        return document.RootElement.GetProperty("nodes").EnumerateArray()
            .SelectMany(n => n.GetProperty("operations").EnumerateArray())
            .Select(o => new PlannedOperation(o.GetProperty("action").GetString()!, o.GetProperty("key").GetString()!))
            .ToList();
    }

    private static string SandboxAddress(Lab.Cmd.Result ipJson)
    {
        using var document = JsonDocument.Parse(ipJson.Check("ip -j addr").Stdout);
        return document.RootElement[0].GetProperty("addr_info")[0].GetProperty("local").GetString()!;
    }
}
