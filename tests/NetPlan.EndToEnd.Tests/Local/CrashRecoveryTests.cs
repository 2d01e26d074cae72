using NetPlan.EndToEnd.Tests.Lab;
using NetPlan.Tests;

namespace NetPlan.EndToEnd.Tests.Local;

/// <summary>
/// Issue 8, crash recovery: the real CLI is killed with SIGKILL at several points of a real apply;
/// the next apply must converge with no manual cleanup, leave nothing to do, and destroy must
/// leave the host exactly as before — a foreign namespace and link included.
/// </summary>
public class CrashRecoveryTests
{
    private const int Sandboxes = 120;

    public static TheoryData<string, int> KillPoints => new()
    {
        { "namespaces", 1 },
        { "namespaces", 40 },
        { "namespaces", 100 },
        { "files", 60 },    // /etc/netns/*/* written: the last phase
    };

    [SkippableTheory]
    [MemberData(nameof(KillPoints))]
    public async Task Apply_killed_with_sigkill_is_converged_by_the_next_apply(string phase, int reached)
    {
        Privileged.Require();
        using var host = await LocalHost.StartAsync();
        await host.ExecCheckAsync("ip", "netns", "add", "foreign");
        await host.ExecCheckAsync("ip", "link", "add", "foreignbr", "type", "bridge");
        var before = await host.SnapshotAsync();
        var file = host.Topology(LockTests.Topology(Sandboxes));

        var doomed = host.NetplanAsync("apply", file);
        // An apply of hundreds of operations takes a fraction of a second: the host is watched
        // through its filesystem from this process (no subprocess per look) and the CLI killed from here.
        var cli = await LocalHost.NetplanProcessAsync(file);
        SpinWait.SpinUntil(() => cli.HasExited || Count(host, phase) >= reached, TimeSpan.FromMinutes(1));
        cli.Kill();
        var killed = await doomed;
        Assert.True(killed.ExitCode != 0 && !killed.Stdout.Contains("Apply complete!"),
            $"apply finished before {reached} {phase} existed: {killed.Stderr}");
        Assert.InRange(Count(host, phase), reached, int.MaxValue);

        // The lock died with the process: no waiting, even with no patience at all.
        var again = await host.NetplanAsync("apply", "--lock-timeout", "0s", file);
        Assert.True(again.ExitCode == 0, $"after a kill at {reached} {phase}:\n{again.Stderr}{again.Stdout}");
        Assert.DoesNotContain("waiting for the lock", again.Stderr);
        var plan = await host.NetplanAsync("plan", "--detailed-exitcode", file);
        Assert.True(plan.ExitCode == 0, plan.Stderr + plan.Stdout);
        Assert.True(await host.PingsAsync("s1", "10.77.0.1"), "s1 reaches its gateway");

        var destroy = await host.NetplanAsync("destroy", file);
        Assert.True(destroy.ExitCode == 0, destroy.Stderr + destroy.Stdout);
        Assert.Equal(before, await host.SnapshotAsync());
    }

    private static int Count(LocalHost host, string phase) => phase == "files"
        ? Directory.EnumerateFiles(host.PathInside("/etc/netns"), "*", SearchOption.AllDirectories).Count()
        // The foreign namespace is not one of the run's.
        : Directory.EnumerateFiles(host.PathInside("/run/netns")).Count(n => Path.GetFileName(n) != "foreign");
}
