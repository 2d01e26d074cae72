using NetPlan.Core.State;

namespace NetPlan.Cli.Engine;

/// <summary>What apply and destroy ask for before they observe: the lock, who they are, how long to wait.</summary>
internal sealed record LockRequest(LockHolder Holder, TimeSpan Timeout);

internal sealed partial class Fleet
{
    private readonly List<(string Node, IAsyncDisposable Lock)> _locks = new();

    /// <summary>
    /// Takes the topology's lock on every connected node, one node after another in name order — so
    /// two runs over overlapping nodes can never each hold a lock the other waits for. A node whose
    /// lock is taken says who holds it; the whole wait is bounded by one timeout. Held until the
    /// fleet is disposed, i.e. through apply and verification. Returns the node that could not be
    /// locked (none, or the first); the locks taken before it are released by dispose.
    /// </summary>
    public async Task<IReadOnlyList<NodeFailure>> LockAsync(string topology, LockRequest request, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + request.Timeout;
        foreach (var node in _agents.Keys.Order(StringComparer.Ordinal))
        {
            var left = deadline - DateTime.UtcNow;
            try
            {
                var held = await _agents[node].AcquireLockAsync(topology, request.Holder, left > TimeSpan.Zero ? left : TimeSpan.Zero,
                    holder => _progress.Notice($"node '{node}': waiting for the lock held by {LockTimeoutException.Describe(holder)} ..."), ct);
                _locks.Add((node, held));
                _progress.Node(node, "locked");
            }
            catch (LockTimeoutException e)
            {
                // Reported against the whole timeout the user gave, not what was left of it.
                return [new NodeFailure(node, new LockTimeoutException(topology, e.Holder, request.Timeout))];
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return [new NodeFailure(node, e)];
            }
        }
        return [];
    }

    private async Task ReleaseLocksAsync()
    {
        foreach (var (node, held) in _locks)
        {
            try { await held.DisposeAsync(); }
            catch (Exception e) { _progress.Warn($"node '{node}': releasing the lock: {e.Message}"); }
        }
        _locks.Clear();
    }
}
