using NetPlan.Core.Planning;
using NetPlan.Core.State;
using NetPlan.Core.Topology;
using NetPlan.Transport.Nodes;

namespace NetPlan.Cli.Engine;

/// <summary>What a command does with the plan once it has one.</summary>
internal enum Intent { Plan, Apply, Destroy }

/// <summary>
/// load → connect → observe → plan → (apply → re-observe → verify). One path for plan, apply and
/// destroy, so what `plan` shows is exactly what `apply` does.
/// </summary>
internal sealed class Workflow(NodeConnector connector, int parallelism, Progress progress, PlanOutput output)
{
    public const int Success = 0, Failure = 1, ChangesPresent = 2;

    public async Task<int> RunAsync(Topology topology, Intent intent, bool dryRun, bool detailedExitCode, CancellationToken ct)
    {
        var (fleet, unreachable) = await Fleet.ConnectAsync(topology, connector, parallelism, progress, ct);
        await using var _ = fleet;
        // Planning needs every node: IPAM and overlay entries span nodes, so a partial observation
        // could renumber or unwire what lives on the missing node. Name each one and stop.
        if (Report(unreachable)) return Failure;

        var (observed, failedObservations) = await fleet.ObserveAsync(node => Planner.ScopeFor(topology, node), ct);
        if (Report(failedObservations)) return Failure;

        var plan = PlanFor(topology, intent, observed);
        output.Plan(topology.Name, plan);
        if (plan.HasErrors) return Failure;
        if (intent == Intent.Plan) return detailedExitCode && plan.HasChanges ? ChangesPresent : Success;
        if (!plan.HasChanges || dryRun) return Success;

        var failedApplies = await fleet.ApplyAsync(plan.Hosts, ct);
        var applyFailed = Report(failedApplies);

        // Verify: the hosts must now hold exactly the desired state. Whatever still differs is
        // reported by object and attribute path, even after a failed apply (it shows what was left).
        var (after, failedVerifications) = await fleet.ObserveAsync(node => Planner.ScopeFor(topology, node), ct);
        if (Report(failedVerifications)) return Failure;
        var residual = PlanFor(topology, intent, after);
        var verified = output.Verification(residual);
        if (applyFailed || !verified) return Failure;

        output.Complete(intent, plan.Summary);
        return Success;
    }

    private static PlanResult PlanFor(Topology topology, Intent intent, IReadOnlyDictionary<string, Observation> observed) =>
        intent == Intent.Destroy ? Planner.PlanDestroy(topology, observed) : Planner.Plan(topology, observed);

    private bool Report(IReadOnlyList<NodeFailure> failures)
    {
        foreach (var failure in failures) progress.Error(failure.ToString());
        return failures.Count > 0;
    }
}
