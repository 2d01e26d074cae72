using System.Text.Json;
using NetPlan.Core.State;

namespace NetPlan.Agent.Protocol;

// The lock over the protocol. A request cannot report progress, so waiting takes two calls:
//   lock {topology, holder, timeout_ms: 0}  → {acquired: true} | {acquired: false, holder}
//   (the client says "waiting for the lock held by …")
//   lock {topology, holder, timeout_ms: N}  → {acquired: true} | {acquired: false, holder}
//   unlock {topology}                        → {}
// The agent keeps the lock for the connection's life: when the client hangs up or dies, the
// agent exits and the kernel releases it with the agent's file descriptors.

internal sealed record LockParams(string Topology, LockHolder Holder, long TimeoutMs);

internal sealed record LockResult(bool Acquired, LockHolder? Holder = null);

internal sealed record UnlockParams(string Topology);

/// <summary>The locks one protocol connection holds, released when it ends.</summary>
internal sealed class ConnectionLocks : IAsyncDisposable
{
    private readonly Dictionary<string, IAsyncDisposable> _held = new(StringComparer.Ordinal);

    public async Task<JsonElement> LockAsync(IHostAgent agent, LockParams request, CancellationToken cancellationToken)
    {
        if (_held.ContainsKey(request.Topology))
            throw new InvalidOperationException($"this connection already holds the lock for topology '{request.Topology}'");
        LockResult result;
        try
        {
            // No onWaiting here: the client learnt about the holder from its first, non-waiting call.
            _held[request.Topology] = await agent.AcquireLockAsync(request.Topology, request.Holder,
                TimeSpan.FromMilliseconds(Math.Max(0, request.TimeoutMs)), null, cancellationToken).ConfigureAwait(false);
            result = new LockResult(true);
        }
        catch (LockTimeoutException ex)
        {
            result = new LockResult(false, ex.Holder);
        }
        return JsonSerializer.SerializeToElement(result, ProtocolJson.Default.LockResult);
    }

    public async Task<JsonElement> UnlockAsync(UnlockParams request)
    {
        if (_held.Remove(request.Topology, out var held)) await held.DisposeAsync().ConfigureAwait(false);
        return JsonSerializer.SerializeToElement(new LockResult(false), ProtocolJson.Default.LockResult);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var held in _held.Values) await held.DisposeAsync().ConfigureAwait(false);
        _held.Clear();
    }
}
