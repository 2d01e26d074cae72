using NetPlan.Core.Compile;
using NetPlan.Core.Planning;
using NetPlan.Core.Planning.Saved;
using NetPlan.Core.State;
using NetPlan.Core.Language;
using NetPlan.Transport.Nodes;

namespace NetPlan.Cli.Engine;

/// <summary>What a command does with the plan once it has one.</summary>
internal enum Intent { Plan, Apply, Destroy }

/// <summary>
/// load → connect → observe → plan → (apply → re-observe → verify). One path for plan, apply and
/// destroy, so what `plan` shows is exactly what `apply` does.
/// </summary>
/// <param name="locking">How apply and destroy lock each node (plan never locks); null: they do not.</param>
internal sealed class Workflow(NodeConnector connector, int parallelism, Progress progress, PlanOutput output, LockRequest? locking = null)
{
    public const int Success = 0, Failure = 1, ChangesPresent = 2;

    /// <summary><c>-out FILE</c>: the plan is saved there once made (and a saved destroy is not executed: the command asks for a dry run).</summary>
    public PlanSaver? SaveTo { get; init; }

    /// <summary><c>apply PLANFILE</c>: these operations are executed instead of a new plan, and only when no host changed since they were planned.</summary>
    public SavedPlan? Saved { get; init; }

    /// <summary>What apply and destroy do when an operation fails (--on-failure, --atomic).</summary>
    public FailurePolicy OnFailure { get; init; } = FailurePolicy.Default;

    public async Task<int> RunAsync(Topology topology, Intent intent, bool dryRun, bool detailedExitCode, CancellationToken ct)
    {
        var (fleet, unreachable) = await Fleet.ConnectAsync(topology, connector, parallelism, progress, ct);
        await using var _ = fleet;
        Report(unreachable);
        if (locking is not null && intent != Intent.Plan && !dryRun && Report(await fleet.LockAsync(topology.Name, locking, ct)))
        {
            progress.Error("nothing was changed");
            return Failure;
        }

        var (observed, failedObservations) = await fleet.ObserveAsync(node => Planner.ScopeFor(topology, node), ct);
        Report(failedObservations);

        // The nodes that could not be observed are not converged and the run fails, but the others
        // still are when what they must hold cannot depend on the missing ones (no shared network).
        var missing = unreachable.Concat(failedObservations).Select(f => f.Node).ToHashSet(StringComparer.Ordinal);
        var planned = Planned(topology, intent, observed, missing);
        var incomplete = missing.Count > 0 || planned.Count < topology.Nodes.Count;
        if (incomplete && planned.Count == 0) return Incomplete(topology, planned);

        var plan = Saved is null ? PlanFor(topology, intent, observed, planned) : SavedPlanChecks.Accept(Saved, observed, missing, progress);
        if (plan is null) return Failure;
        output.Plan(topology.Name, plan);
        if (SaveTo is not null && !SaveTo.Save(plan, incomplete, progress)) return Failure;
        if (plan.HasErrors) return Failure;
        if (intent == Intent.Plan)
            return incomplete ? Incomplete(topology, planned) : detailedExitCode && plan.HasChanges ? ChangesPresent : Success;
        if (!plan.HasChanges || dryRun) return incomplete ? Incomplete(topology, planned) : Success;

        var fates = await new Transaction(fleet, progress, OnFailure).ApplyAsync(plan.Hosts, ct);
        var applyFailed = fates.Values.Any(f => f != HostFate.Applied);

        // Verify: the hosts must now hold exactly the desired state. Whatever still differs is
        // reported by object and attribute path, even after a failed apply (it shows what was left).
        // A rolled-back host must instead hold exactly what it held before.
        var (after, failedVerifications) = await fleet.ObserveAsync(node => Planner.ScopeFor(topology, node), ct);
        if (Report(failedVerifications.Where(f => planned.Contains(f.Node)).ToList())) return Failure;
        var restored = Outcome.Report(topology.Name, intent, fates, observed, after, progress);
        var converging = planned.Where(n => !fates.GetValueOrDefault(n).Restored()).ToHashSet(StringComparer.Ordinal);
        var verified = converging.Count == 0 || output.Verification(PlanFor(topology, intent, after, converging));
        if (applyFailed || !verified || !restored) return Failure;

        output.Complete(intent, plan.Summary);
        return incomplete ? Incomplete(topology, planned) : Success;
    }

    /// <summary>
    /// The observed nodes this run converges: all of them for destroy (removing what a node owns
    /// depends on nothing else), else those <see cref="IndependentNodes"/> does not hold back.
    /// </summary>
    private IReadOnlySet<string> Planned(Topology topology, Intent intent, IReadOnlyDictionary<string, Observation> observed, IReadOnlySet<string> missing)
    {
        var heldBack = intent == Intent.Destroy
            ? new Dictionary<string, string>()
            : IndependentNodes.HeldBack(topology, missing);
        foreach (var (node, reason) in heldBack.Where(h => observed.ContainsKey(h.Key)))
            progress.Error($"node '{node}': not planned: {reason}");
        return observed.Keys.Where(n => !heldBack.ContainsKey(n)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Ends a run that left nodes out: the others were handled, and the exit code says the run failed.</summary>
    private int Incomplete(Topology topology, IReadOnlySet<string> planned)
    {
        var left = topology.Nodes.Select(n => n.Name).Where(n => !planned.Contains(n)).ToList();
        progress.Error($"the run is incomplete: {left.Count} of {topology.Nodes.Count} node(s) not converged ({string.Join(", ", left)})");
        return Failure;
    }

    private static PlanResult PlanFor(Topology topology, Intent intent, IReadOnlyDictionary<string, Observation> observed, IReadOnlySet<string> planned) =>
        intent == Intent.Destroy
            ? Planner.PlanDestroy(topology.Name, topology.Nodes.Where(n => planned.Contains(n.Name)).Select(n => (n.Name, observed[n.Name].State)))
            : Planner.Plan(topology, observed, planned.Count == topology.Nodes.Count ? null : planned);

    private bool Report(IReadOnlyList<NodeFailure> failures)
    {
        foreach (var failure in failures) progress.Error(failure.ToString());
        return failures.Count > 0;
    }
}
