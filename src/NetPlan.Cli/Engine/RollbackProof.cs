using NetPlan.Core.Planning;
using NetPlan.Core.State;

namespace NetPlan.Cli.Engine;

/// <summary>
/// Proves a rolled-back host is as it was: the objects the topology owns, observed again, equal
/// those observed before the run. Foreign objects are never NetPlan's to change; if one changed
/// meanwhile, that is said too (someone else did it).
/// </summary>
internal static class RollbackProof
{
    /// <summary>The differences between two observations, owned objects first; empty when the host is as it was.</summary>
    public static (IReadOnlyList<string> Owned, IReadOnlyList<string> Foreign) Compare(string owner, HostState before, HostState after)
    {
        var owned = Differences(Where(before, o => Ours(o, owner)), Where(after, o => Ours(o, owner)));
        var foreign = Differences(Where(before, o => !Ours(o, owner)), Where(after, o => !Ours(o, owner)));
        return (owned, foreign);
    }

    /// <summary>Sysctls carry no mark; the observed ones are those the topology sets, so they are its to restore.</summary>
    private static bool Ours(StateObject o, string owner) => o.Owner == owner || o is SysctlObject;

    private static Dictionary<string, StateObject> Where(HostState state, Func<StateObject, bool> predicate) =>
        state.Objects.Where(predicate).ToDictionary(o => o.Key, StringComparer.Ordinal);

    private static List<string> Differences(Dictionary<string, StateObject> before, Dictionary<string, StateObject> after)
    {
        var lines = new List<string>();
        foreach (var (key, was) in before.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!after.TryGetValue(key, out var now)) lines.Add($"{key} is gone");
            else if (now != was)
            {
                var paths = StateComparer.Compare(now, was).Select(c => c.Path).ToList();
                lines.Add($"{key} differs{(paths.Count > 0 ? $" ({string.Join(", ", paths)})" : "")}");
            }
        }
        lines.AddRange(after.Keys.Where(k => !before.ContainsKey(k)).Order(StringComparer.Ordinal).Select(k => $"{k} was left behind"));
        return lines;
    }
}

/// <summary>What apply says about each host once it is over, when anything failed.</summary>
internal static class Outcome
{
    /// <summary>
    /// For each rolled-back host, the proof (or the exact differences); then, when anything failed,
    /// one line per host with its fate. Returns false when a rolled-back host is not as it was.
    /// </summary>
    public static bool Report(string owner, Intent intent, IReadOnlyDictionary<string, HostFate> fates,
        IReadOnlyDictionary<string, Observation> before, IReadOnlyDictionary<string, Observation> after, Progress progress)
    {
        var verb = intent == Intent.Destroy ? "destroy" : "apply";
        var allRestored = true;
        foreach (var (node, fate) in fates.Where(f => f.Value.Restored()).OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            if (!after.TryGetValue(node, out var now)) continue; // its re-observation failed, and was reported
            var (owned, foreign) = RollbackProof.Compare(owner, before[node].State, now.State);
            if (owned.Count == 0) progress.Node(node, $"the host is as it was before {verb}");
            else
            {
                allRestored = false;
                progress.Error($"node '{node}': after rollback the host is not as it was before {verb}: {string.Join("; ", owned)}");
            }
            if (foreign.Count > 0)
                progress.Warn($"node '{node}': objects NetPlan does not own changed during the run (not by NetPlan): {string.Join("; ", foreign)}");
        }
        if (fates.Values.Any(f => f != HostFate.Applied))
            foreach (var (node, fate) in fates.OrderBy(f => f.Key, StringComparer.Ordinal))
                progress.Node(node, fate.Describe());
        return allRestored;
    }
}
