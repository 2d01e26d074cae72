using NetPlan.Core.Planning;

namespace NetPlan.Core.State;

/// <summary>
/// The agent's whole surface. The same implementation runs in-process (<c>connection: local</c>) and
/// on a remote host behind the JSON-lines protocol (<c>connection: ssh</c>).
/// </summary>
public interface IHostAgent : IAsyncDisposable
{
    /// <summary>Agent version, kernel release and what the kernel supports.</summary>
    Task<HostFacts> HelloAsync(CancellationToken cancellationToken = default);

    Task<Observation> ObserveAsync(ObserveScope scope, CancellationToken cancellationToken = default);

    /// <summary>
    /// Executes the operations in order. Throws <see cref="ApplyException"/> naming the failing
    /// operation; with <see cref="OnFailure.Rollback"/> the agent has first undone, on this host,
    /// what the operations before it did (and reports how in <see cref="ApplyException.Rollback"/>).
    /// </summary>
    Task<ApplyResult> ApplyAsync(IReadOnlyList<Operation> operations, OnFailure onFailure, CancellationToken cancellationToken = default);

    /// <summary>Executes the operations in order, rolling back on failure.</summary>
    Task<ApplyResult> ApplyAsync(IReadOnlyList<Operation> operations, CancellationToken cancellationToken = default) =>
        ApplyAsync(operations, OnFailure.Rollback, cancellationToken);

    /// <summary>
    /// Takes this host's lock for <paramref name="topology"/>: one apply or destroy at a time per host
    /// and topology. Held until the returned handle is disposed or the agent dies (the kernel drops it
    /// with the process). When the lock is taken, calls <paramref name="onWaiting"/> once with the
    /// holder (null if it left no description), then waits up to <paramref name="timeout"/>; throws
    /// <see cref="LockTimeoutException"/> after that. A zero timeout fails at once.
    /// </summary>
    Task<IAsyncDisposable> AcquireLockAsync(string topology, LockHolder holder, TimeSpan timeout,
        Action<LockHolder?>? onWaiting = null, CancellationToken cancellationToken = default);
}

/// <summary>How many operations ran, and (for the fault-tolerance work) which.</summary>
public sealed record ApplyResult(int Executed);

/// <summary>
/// An operation the kernel refused: the object, the operation and the kernel's own words
/// (<see cref="Exception.Message"/>), and what the agent then undid (null: nothing was tried, as
/// with <see cref="OnFailure.Keep"/>).
/// </summary>
public sealed class ApplyException(Operation operation, int index, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public Operation Operation { get; } = operation;
    public int Index { get; } = index;
    public RollbackReport? Rollback { get; init; }
}
