using NetPlan.Agent.Locking;
using NetPlan.Core.Planning;
using NetPlan.Core.State;

namespace NetPlan.EndToEnd.Tests.Protocol;

/// <summary>
/// A test double behind the protocol server: answers with fixed facts and observations, records
/// what it was asked, and fails apply at a chosen operation the way the real agent does.
/// </summary>
internal sealed class ScriptedHostAgent : IHostAgent
{
    public HostFacts Facts { get; init; } = new("9.9.9-test", "6.1.0-test",
        [LinkKind.Bridge, LinkKind.Veth, LinkKind.Vxlan], [new HostInterface("eth0", 1500, true, ["198.51.100.10/24"])]);

    public HostState State { get; init; } = HostState.Empty;

    /// <summary>When set, apply refuses the operation at this index with <see cref="FailureMessage"/>.</summary>
    public int? FailAt { get; init; }
    public string FailureMessage { get; init; } = "RTM_NEWLINK: File exists";

    /// <summary>What the refusal reports it undid, when asked to roll back.</summary>
    public RollbackReport? Rollback { get; init; }

    /// <summary>When set, observe throws this (an unexpected agent failure).</summary>
    public Exception? ObserveFailure { get; init; }

    public List<ObserveScope> ObservedScopes { get; } = new();
    public List<IReadOnlyList<Operation>> AppliedPlans { get; } = new();
    public List<OnFailure> FailurePolicies { get; } = new();
    public bool Disposed { get; private set; }

    public Task<HostFacts> HelloAsync(CancellationToken cancellationToken = default) => Task.FromResult(Facts);

    public Task<Observation> ObserveAsync(ObserveScope scope, CancellationToken cancellationToken = default)
    {
        ObservedScopes.Add(scope);
        if (ObserveFailure is { } failure) throw failure;
        return Task.FromResult(new Observation(Facts, State));
    }

    public Task<ApplyResult> ApplyAsync(IReadOnlyList<Operation> operations, CancellationToken cancellationToken = default) =>
        ApplyAsync(operations, OnFailure.Rollback, cancellationToken);

    public Task<ApplyResult> ApplyAsync(IReadOnlyList<Operation> operations, OnFailure onFailure, CancellationToken cancellationToken = default)
    {
        AppliedPlans.Add(operations);
        FailurePolicies.Add(onFailure);
        if (FailAt is { } index && index < operations.Count)
            throw new ApplyException(operations[index], index, $"{operations[index].Key}: {FailureMessage}")
            {
                Rollback = onFailure == OnFailure.Rollback ? Rollback : null,
            };
        return Task.FromResult(new ApplyResult(operations.Count));
    }

    /// <summary>Real flock-based locks, in a directory the test owns (the lock needs no privileges).</summary>
    public string? LockDirectory { get; init; }

    public Task<IAsyncDisposable> AcquireLockAsync(string topology, LockHolder holder, TimeSpan timeout,
        Action<LockHolder?>? onWaiting = null, CancellationToken cancellationToken = default) =>
        new TopologyLocks(LockDirectory ?? throw new InvalidOperationException("this scripted agent has no LockDirectory"))
            .AcquireAsync(topology, holder, timeout, onWaiting, cancellationToken);

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}
