using NetPlan.Core.State;
using NetPlan.EndToEnd.Tests.Lab;
using NetPlan.Tests;
using NetPlan.Transport.Ssh;

namespace NetPlan.EndToEnd.Tests.Transport;

/// <summary>Issue 8: the per-host lock held by the published netplan-agent at the far end of a real SSH session.</summary>
[Collection(SshLabCollection.Name)]
public sealed class LockOverSshTests(SshLabFixture fixture)
{
    private static readonly LockHolder Alice = new("netplan apply", "alice", "controller", 4242, DateTimeOffset.Parse("2026-11-22T10:31:02+00:00"));
    private static readonly LockHolder Bob = new("netplan destroy", "bob", "controller", 5151, DateTimeOffset.Parse("2026-11-22T10:32:00+00:00"));

    [SkippableFact]
    public async Task A_second_session_waits_for_the_first_ones_lock_and_gets_it_once_that_agent_is_killed()
    {
        Privileged.Require();
        var lab = await fixture.LabAsync();
        var agentBinary = await PublishedBuild.AgentAsync();
        var host = lab.Hosts[2];
        var connector = new SshAgentConnector(lab.SshOptions, () => agentBinary);

        await using var first = await connector.ConnectAsync(host.Node());
        await first.AcquireLockAsync("lock-ssh", Alice, TimeSpan.Zero);
        var holderPid = (await host.ExecCheckAsync("pgrep", "-x", RemoteCommand.AgentFileName)).Stdout.Trim();
        Assert.Matches("^[0-9]+$", holderPid); // exactly one agent runs there yet

        await using var second = await connector.ConnectAsync(host.Node());
        LockHolder? announced = null;
        var timeout = await Assert.ThrowsAsync<LockTimeoutException>(() =>
            second.AcquireLockAsync("lock-ssh", Bob, TimeSpan.FromMilliseconds(500), h => announced = h));
        Assert.Equal(Alice, announced);
        Assert.Equal(Alice, timeout.Holder);
        Assert.Contains("held by pid 4242 (netplan apply, started 10:31:02) by alice on controller", timeout.Message);

        // Another topology's lock is another lock.
        await using (await second.AcquireLockAsync("other-topology", Bob, TimeSpan.Zero)) { }

        // kill -9 of the holding agent frees the lock: nothing to clean up by hand.
        await host.ExecCheckAsync("kill", "-9", holderPid);
        await using (await second.AcquireLockAsync("lock-ssh", Bob, TimeSpan.FromSeconds(10)))
        {
            var third = await connector.ConnectAsync(host.Node());
            await using var _ = third;
            var refused = await Assert.ThrowsAsync<LockTimeoutException>(() => third.AcquireLockAsync("lock-ssh", Alice, TimeSpan.Zero));
            Assert.Equal(Bob, refused.Holder);
        }
    }
}
