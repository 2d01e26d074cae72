using NetPlan.Tests;

namespace NetPlan.EndToEnd.Tests.Local;

/// <summary>
/// Issue 8 through the real CLI: an apply the kernel refuses half-way is rolled back on the host
/// (or kept with --on-failure=keep), reported by object, operation and the kernel's words, and the
/// host is proven to be as it was.
/// </summary>
public class FailedApplyTests
{
    private const string Topology = """
        version: 1
        name: shop
        nodes:
          local: { connection: local }
        networks:
          front: { subnet: 10.77.0.0/24 }
        sandboxes:
          web: { node: local, networks: [front], ports: ["8080:80"] }
          api: { node: local, networks: [front] }
        """;

    /// <summary>
    /// A directory where web's hosts file goes: the observer sees no file there, so the plan creates
    /// one, and only the write itself fails — after the namespaces, links, addresses, routes,
    /// ip_forward and the firewall table were made.
    /// </summary>
    private static Task Obstruct(LocalHost host) => host.ExecCheckAsync("mkdir", "-p", "/etc/netns/web/hosts");

    [SkippableFact]
    public async Task A_refused_apply_exits_1_names_the_failure_and_leaves_the_host_as_it_was()
    {
        Privileged.Require();
        using var host = await LocalHost.StartAsync();
        var file = host.Topology(Topology);
        await Obstruct(host);
        var before = await host.SnapshotAsync();

        var apply = await host.NetplanAsync("apply", file);

        Assert.True(apply.ExitCode == 1, apply.Stderr + apply.Stdout);
        var failure = apply.Stderr.Split('\n').Single(l => l.Contains("apply failed at operation"));
        Assert.Matches(@"^error: node 'local': apply failed at operation (\d+) \(creating file:/etc/netns/web/hosts: .*Is a directory.*\); rolled back (\d+) operations$", failure);
        Assert.Contains("[local] the host is as it was before apply", apply.Stderr);
        Assert.Contains("[local] failed and rolled back", apply.Stderr);
        Assert.DoesNotContain("Apply complete!", apply.Stdout);
        Assert.Equal(before, await host.SnapshotAsync());
    }

    [SkippableFact]
    public async Task With_on_failure_keep_the_partial_state_stays_and_the_next_apply_converges()
    {
        Privileged.Require();
        using var host = await LocalHost.StartAsync();
        var file = host.Topology(Topology);
        await Obstruct(host);
        var before = await host.SnapshotAsync();

        var apply = await host.NetplanAsync("apply", "--on-failure=keep", file);

        Assert.True(apply.ExitCode == 1, apply.Stderr + apply.Stdout);
        Assert.Contains("what ran before it was kept (--on-failure=keep): apply again to converge", apply.Stderr);
        Assert.Contains("[local] failed, kept", apply.Stderr);
        Assert.NotEqual(before, await host.SnapshotAsync());
        Assert.Contains("web", (await host.ExecCheckAsync("ip", "netns", "list")).Stdout);
        // Verification shows what is left to do.
        Assert.Contains("verification: node 'local': file /etc/netns/web/hosts is missing", apply.Stderr);

        await host.ExecCheckAsync("rmdir", "/etc/netns/web/hosts");
        var again = await host.NetplanAsync("apply", file);
        Assert.True(again.ExitCode == 0, again.Stderr + again.Stdout);
        Assert.Contains("Apply complete!", again.Stdout);
        Assert.Equal(0, (await host.NetplanAsync("plan", "--detailed-exitcode", file)).ExitCode);
        Assert.True(await host.PingsAsync("web", "10.77.0.1"));
    }

    [SkippableFact]
    public async Task A_refused_destroy_is_rolled_back_too()
    {
        Privileged.Require();
        using var host = await LocalHost.StartAsync();
        // No published port: a bridge recreated by the rollback of a destroy comes back with the
        // kernel's defaults for its per-link sysctls (route_localnet), which docs/reliability.md lists.
        var file = host.Topology(Topology.Replace(", ports: [\"8080:80\"]", ""));
        Assert.Equal(0, (await host.NetplanAsync("apply", file)).ExitCode);
        // A second mount of web's namespace on its own file, made behind NetPlan's back: the
        // observer sees the namespace as usual, but deleting it ends in "Device or resource busy"
        // after the veths, addresses, routes and files were removed.
        await host.ExecCheckAsync("mount", "--bind", "/run/netns/web", "/run/netns/web");
        var before = await host.SnapshotAsync();

        var destroy = await host.NetplanAsync("destroy", file);

        Assert.True(destroy.ExitCode == 1, destroy.Stderr + destroy.Stdout);
        Assert.Matches(@"error: node 'local': apply failed at operation \d+ \(deleting network namespace web: .*busy.*\); rolled back \d+ operations\n", destroy.Stderr);
        Assert.True(destroy.Stderr.Contains("[local] the host is as it was before destroy"), destroy.Stderr);
        Assert.Equal(before, await host.SnapshotAsync());
        Assert.True(await host.PingsAsync("web", "10.77.0.1"), "web works again");
    }

    [SkippableFact]
    public async Task Atomic_and_keep_cannot_be_combined()
    {
        Privileged.Require();
        using var host = await LocalHost.StartAsync();
        var result = await host.NetplanAsync("apply", "--atomic", "--on-failure=keep", host.Topology(Topology));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--atomic takes every node back when one fails; it cannot be combined with --on-failure=keep", result.Stderr);
    }
}
