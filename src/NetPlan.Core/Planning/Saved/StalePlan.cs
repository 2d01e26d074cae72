using NetPlan.Core.State;

namespace NetPlan.Core.Planning.Saved;

/// <summary>A node whose observed state is not the one its saved operations were computed from.</summary>
public sealed record ChangedHost(string Node, string SavedFingerprint, string CurrentFingerprint)
{
    public override string ToString() =>
        $"node '{Node}': the host changed since the plan was made (saved plan fingerprint {Short(SavedFingerprint)}…, now {Short(CurrentFingerprint)}…); run 'netplan plan' again";

    private static string Short(string fingerprint) => fingerprint[..Math.Min(8, fingerprint.Length)];
}

/// <summary>Terraform's "saved plan is stale", per host: a plan is only applied to the state it was computed from.</summary>
public static class StalePlan
{
    /// <summary>Every planned node whose observation differs from the plan's, in the plan's node order.</summary>
    public static IReadOnlyList<ChangedHost> ChangedHosts(SavedPlan plan, IReadOnlyDictionary<string, Observation> observed) =>
        plan.Nodes
            .Where(n => observed.ContainsKey(n.Node))
            .Select(n => new ChangedHost(n.Node, n.Fingerprint, Fingerprint.Of(observed[n.Node].State)))
            .Where(c => c.SavedFingerprint != c.CurrentFingerprint)
            .ToList();
}
