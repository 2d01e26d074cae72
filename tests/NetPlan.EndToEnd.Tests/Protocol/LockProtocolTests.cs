using System.IO.Pipelines;
using NetPlan.Agent.Protocol;
using NetPlan.Core.State;

namespace NetPlan.EndToEnd.Tests.Protocol;

/// <summary>
/// The lock through the JSON-lines protocol: the waiting client learns who holds it before it
/// waits, the lock is released by unlock or by the connection ending. Real flocks, no privileges.
/// </summary>
public sealed class LockProtocolTests : IDisposable
{
    private readonly string _locks = Directory.CreateTempSubdirectory("nptest-locks-").FullName;
    private readonly ScriptedHostAgent _agent;

    private static readonly LockHolder Alice = new("netplan apply", "alice", "ctl-1", 4242, DateTimeOffset.Parse("2026-11-22T10:31:02+00:00"));
    private static readonly LockHolder Bob = new("netplan destroy", "bob", "ctl-2", 5151, DateTimeOffset.Parse("2026-11-22T10:32:00+00:00"));

    public LockProtocolTests() => _agent = new ScriptedHostAgent { LockDirectory = _locks };

    /// <summary>One protocol connection (a client and the server loop behind it) to the shared agent.</summary>
    private (RemoteHostAgent Client, Task Served) Connect(string peer)
    {
        var (toAgent, fromAgent) = (new Pipe(), new Pipe());
        var served = Task.Run(async () =>
        {
            try { await AgentServer.RunAsync(_agent, toAgent.Reader.AsStream(), fromAgent.Writer.AsStream(), CancellationToken.None); }
            finally { await fromAgent.Writer.CompleteAsync(); }
        });
        return (new RemoteHostAgent(fromAgent.Reader.AsStream(), toAgent.Writer.AsStream(), peer), served);
    }

    [Fact]
    public async Task A_second_client_is_told_the_holder_waits_and_gives_up_then_gets_the_lock_after_unlock()
    {
        var (alice, _) = Connect("node-a");
        var (bob, _) = Connect("node-a");
        await using var __ = alice;
        await using var ___ = bob;

        var held = await alice.AcquireLockAsync("shop", Alice, TimeSpan.Zero);
        var told = new List<LockHolder?>();
        var refused = await Assert.ThrowsAsync<LockTimeoutException>(() => bob.AcquireLockAsync("shop", Bob, TimeSpan.FromMilliseconds(300), told.Add));
        Assert.Equal([Alice], told);
        Assert.Equal(Alice, refused.Holder);
        Assert.Equal(TimeSpan.FromMilliseconds(300), refused.Timeout);

        // Waiting, then the holder unlocks: the waiter gets it within its timeout.
        var waiting = bob.AcquireLockAsync("shop", Bob, TimeSpan.FromSeconds(30));
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);
        await held.DisposeAsync();
        await using var bobs = await waiting;

        var refusedAgain = await Assert.ThrowsAsync<LockTimeoutException>(() => alice.AcquireLockAsync("shop", Alice, TimeSpan.Zero));
        Assert.Equal(Bob, refusedAgain.Holder);
    }

    [Fact]
    public async Task The_lock_ends_with_the_connection_that_holds_it()
    {
        var (alice, served) = Connect("node-a");
        await alice.AcquireLockAsync("shop", Alice, TimeSpan.Zero);
        await alice.DisposeAsync(); // the client hangs up without unlocking
        await served;

        var (bob, _) = Connect("node-a");
        await using var __ = bob;
        await using var held = await bob.AcquireLockAsync("shop", Bob, TimeSpan.Zero);
    }

    public void Dispose() => Directory.Delete(_locks, recursive: true);
}
