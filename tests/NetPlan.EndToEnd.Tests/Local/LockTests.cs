using NetPlan.Agent.Locking;
using NetPlan.Core.Planning.Rendering;
using NetPlan.Core.State;
using NetPlan.Tests;

namespace NetPlan.EndToEnd.Tests.Local;

/// <summary>
/// Issue 8, the per-host lock, end to end: the real CLI on a stand-in host. The lock is a flock on
/// the host's /run/netplan/locks/&lt;topology&gt;.lock; a test holds it from outside through the
/// host's filesystem, exactly as another netplan would.
/// </summary>
public class LockTests
{
    internal static string Topology(int sandboxes) => $"""
        version: 1
        name: shop
        nodes:
          local: {"{"} connection: local {"}"}
        networks:
          front:
            subnet: 10.77.0.0/24
        sandboxes:
        {string.Join("\n", Enumerable.Range(1, sandboxes).Select(i => $"  s{i}: {{ node: local, networks: [front] }}"))}
        """;

    private static readonly LockHolder Alice = new("netplan apply", "alice", "elsewhere", 4242, new DateTimeOffset(2026, 11, 22, 10, 31, 2, TimeSpan.Zero));

    private static Task<IAsyncDisposable> HoldAsync(LocalHost host) =>
        new TopologyLocks(host.PathInside("/run/netplan/locks")).AcquireAsync("shop", Alice, TimeSpan.Zero, null, CancellationToken.None);

    [SkippableFact]
    public async Task A_held_lock_makes_apply_fail_after_its_timeout_naming_node_and_holder_and_changing_nothing()
    {
        Privileged.Require();
        using var host = await LocalHost.StartAsync();
        var file = host.Topology(Topology(3));
        var before = await host.SnapshotAsync();
        await using (await HoldAsync(host))
        {
            var apply = await host.NetplanAsync("apply", "--lock-timeout", "1s", file);
            Assert.True(apply.ExitCode == 1, apply.Stderr + apply.Stdout);
            Assert.Contains("node 'local': waiting for the lock held by pid 4242 (netplan apply, started 10:31:02) by alice on elsewhere ...", apply.Stderr);
            Assert.Contains("node 'local': the lock for topology 'shop' is held by pid 4242 (netplan apply, started 10:31:02) by alice on elsewhere; gave up after 1 s (--lock-timeout)", apply.Stderr);
            Assert.Contains("nothing was changed", apply.Stderr);
            Assert.DoesNotContain("Plan:", apply.Stdout); // it failed before observing

            var destroy = await host.NetplanAsync("destroy", "--lock-timeout", "0s", file);
            Assert.True(destroy.ExitCode == 1, destroy.Stderr + destroy.Stdout);
            Assert.Contains("gave up after 0 s", destroy.Stderr);

            // Plans never lock: one runs (and sees everything still to do) while the lock is held.
            var plan = await host.NetplanAsync("plan", "--detailed-exitcode", file);
            Assert.True(plan.ExitCode == 2, plan.Stderr + plan.Stdout);
            Assert.DoesNotContain("waiting", plan.Stderr);
        }
        Assert.Equal(before, await host.SnapshotAsync());
    }

    [SkippableFact]
    public async Task Apply_waits_for_the_holder_says_so_and_converges_once_the_lock_is_released()
    {
        Privileged.Require();
        using var host = await LocalHost.StartAsync();
        var file = host.Topology(Topology(3));
        var held = await HoldAsync(host);
        var apply = host.NetplanAsync("apply", "--lock-timeout", "2m", file);
        // Released while the run waits (it polls): the run must have been waiting all along, not failed.
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.False(apply.IsCompleted, "apply finished while the lock was held");
        await held.DisposeAsync();

        var result = await apply;
        Assert.True(result.ExitCode == 0, result.Stderr + result.Stdout);
        Assert.Contains("node 'local': waiting for the lock held by pid 4242 (netplan apply", result.Stderr);
        Assert.Contains("Apply complete!", result.Stdout);
        Assert.Equal(0, (await host.NetplanAsync("plan", "--detailed-exitcode", file)).ExitCode);
    }

    /// <summary>
    /// Two real applies of one topology on one host: both are made to start while the lock is held,
    /// then race for it when it is released. Serialized, the one that gets it second observes after
    /// the first has finished, so it plans nothing; interleaved, both would plan every object from
    /// scratch and the second would meet the first's objects ("File exists").
    /// </summary>
    [SkippableFact]
    public async Task Two_applies_at_once_serialize_the_second_plans_after_the_first_has_finished()
    {
        Privileged.Require();
        using var host = await LocalHost.StartAsync();
        var file = host.Topology(Topology(40));
        var held = await HoldAsync(host);
        var first = host.NetplanAsync("apply", "--lock-timeout", "2m", file);
        var second = host.NetplanAsync("apply", "--lock-timeout", "2m", file);
        await Task.Delay(TimeSpan.FromSeconds(5)); // both started and are waiting
        Assert.False(first.IsCompleted || second.IsCompleted, "an apply finished while the lock was held");
        await held.DisposeAsync();

        var results = await Task.WhenAll(first, second);
        foreach (var result in results)
        {
            Assert.True(result.ExitCode == 0, result.Stderr + result.Stdout);
            Assert.Contains("node 'local': waiting for the lock held by pid 4242 (netplan apply", result.Stderr);
        }
        Assert.Single(results, r => r.Stdout.Contains("Apply complete! Resources: ") && !r.Stdout.Contains(PlanText.NoChanges));
        Assert.Single(results, r => r.Stdout.Contains(PlanText.NoChanges));
        Assert.Equal(0, (await host.NetplanAsync("plan", "--detailed-exitcode", file)).ExitCode);
    }

    internal static async Task Until(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the condition never held");
            await Task.Delay(20);
        }
    }
}
