using NetPlan.Core.Planning;
using NetPlan.Core.Planning.Saved;
using NetPlan.Core.State;

namespace NetPlan.Cli.Engine;

/// <summary>
/// Whether a saved plan may still be applied: every node it plans was observed, and each holds
/// exactly the state its operations were computed from. Any doubt refuses the whole plan, before
/// anything is changed on any node.
/// </summary>
internal static class SavedPlanChecks
{
    /// <summary>The saved plan as a plan to execute, or null after naming every node that makes it unsafe.</summary>
    public static PlanResult? Accept(SavedPlan saved, IReadOnlyDictionary<string, Observation> observed,
        IReadOnlySet<string> missing, Progress progress)
    {
        var unobserved = saved.Nodes.Select(n => n.Node).Where(n => missing.Contains(n) || !observed.ContainsKey(n)).ToList();
        foreach (var node in unobserved)
            progress.Error($"node '{node}': not observed, so the saved plan cannot be checked against it");

        var changed = StalePlan.ChangedHosts(saved, observed);
        foreach (var host in changed) progress.Error(host.ToString());

        if (unobserved.Count == 0 && changed.Count == 0) return saved.ToPlanResult();
        progress.Error(changed.Count > 0
            ? $"the saved plan is stale: {changed.Count} of {saved.Nodes.Count} node(s) changed since it was made; nothing was changed on any node"
            : "the saved plan was not applied; nothing was changed on any node");
        return null;
    }
}
