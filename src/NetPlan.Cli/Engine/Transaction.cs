using NetPlan.Core.Planning;
using NetPlan.Core.State;

namespace NetPlan.Cli.Engine;

/// <summary>
/// Applies every host's plan under a <see cref="FailurePolicy"/>. A host whose operation fails is
/// rolled back by its own agent (or kept). With --atomic, when any host failed, every host that
/// succeeded is sent the inverse of its whole plan (<see cref="Undo"/>), itself applied with
/// rollback, so each host ends either applied or as it was.
/// </summary>
internal sealed class Transaction(Fleet fleet, Progress progress, FailurePolicy policy)
{
    public async Task<IReadOnlyDictionary<string, HostFate>> ApplyAsync(IReadOnlyList<HostPlan> plans, CancellationToken ct)
    {
        var fates = plans.Where(p => p.Operations.Count > 0).ToDictionary(p => p.Node, _ => HostFate.Applied, StringComparer.Ordinal);
        foreach (var failure in await fleet.ApplyAsync(plans, policy.OnFailure, ct))
        {
            fates[failure.Node] = Fate(failure.Error);
            progress.Error(Describe(failure, policy.OnFailure));
        }
        if (!policy.Atomic || fates.Values.All(f => f == HostFate.Applied)) return fates;

        var succeeded = plans.Where(p => fates.GetValueOrDefault(p.Node) == HostFate.Applied)
            .Select(p => p with { Operations = Undo.Of(p.Operations) })
            .ToList();
        foreach (var plan in succeeded) fates[plan.Node] = HostFate.RolledBack;
        foreach (var failure in await fleet.ApplyAsync(succeeded, OnFailure.Rollback, ct))
        {
            // Undoing failed and was itself rolled back: the host holds the applied state.
            fates[failure.Node] = failure.Error is ApplyException { Rollback.Complete: true } ? HostFate.Applied : HostFate.Failed;
            progress.Error($"node '{failure.Node}': --atomic could not take it back: {failure.Error.Message}");
        }
        return fates;
    }

    private HostFate Fate(Exception error) => error switch
    {
        ApplyException { Rollback: null } when policy.OnFailure == OnFailure.Keep => HostFate.FailedKept,
        ApplyException { Rollback: null } => HostFate.Failed,
        ApplyException => HostFate.FailedRolledBack,
        _ => HostFate.Failed,
    };

    /// <summary>
    /// <c>node 'a': apply failed at operation 7 (creating bridge x: File exists (kernel: ...)); rolled back 6 operations</c>,
    /// naming every undo step that failed.
    /// </summary>
    public static string Describe(NodeFailure failure, OnFailure onFailure)
    {
        if (failure.Error is not ApplyException failed) return failure.ToString();
        var head = $"node '{failure.Node}': apply failed at operation {failed.Index + 1} ({failed.Message})";
        if (failed.Rollback is not { } rollback)
            return onFailure == OnFailure.Keep
                ? $"{head}; what ran before it was kept (--on-failure=keep): apply again to converge"
                : $"{head}; every operation had run, so nothing was rolled back";
        var undone = $"rolled back {rollback.Undone} operation{(rollback.Undone == 1 ? "" : "s")}";
        if (rollback.Complete) return $"{head}; {undone}";
        var steps = string.Join("; ", rollback.Failures.Select(f => $"{Verb(f.Action)} {f.Key}: {f.Message}"));
        return $"{head}; {undone}, {rollback.Failures.Count} undo step{(rollback.Failures.Count == 1 ? "" : "s")} failed: {steps}";
    }

    private static string Verb(ChangeAction action) => action switch
    {
        ChangeAction.Create => "undo by creating",
        ChangeAction.Delete => "undo by deleting",
        _ => "undo by restoring",
    };
}
