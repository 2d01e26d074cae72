using NetPlan.Core.Planning;
using NetPlan.Core.Planning.Saved;

namespace NetPlan.Cli.Engine;

/// <summary>
/// <c>-out FILE</c>: writes the plan a run just made, with the topology text it came from, so that
/// <c>netplan apply FILE</c> executes exactly it, and only on hosts that have not changed since.
/// </summary>
internal sealed class PlanSaver(string path, SavedTopology source, PlanKind kind)
{
    /// <summary>Saves a complete plan; false (after saying why) when there is nothing that could be applied exactly.</summary>
    public bool Save(PlanResult plan, bool incomplete, Progress progress)
    {
        if (plan.HasErrors)
        {
            progress.Error($"the plan was not saved to {path}: it has errors");
            return false;
        }
        if (incomplete)
        {
            // A saved plan covers every node: applying part of a topology is a decision for a fresh run.
            progress.Error($"the plan was not saved to {path}: not every node could be planned");
            return false;
        }
        var saved = SavedPlan.Create(BuildVersion.Current, DateTimeOffset.UtcNow, kind, source, plan.Hosts);
        try
        {
            PrivateFile.WriteAtomically(path, SavedPlanFile.Write(saved));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            progress.Error($"cannot save the plan to {path}: {e.Message}");
            return false;
        }
        progress.Notice($"Saved the plan to {path}. To perform exactly these actions, run: netplan apply {path}");
        return true;
    }
}
