using NetPlan.Core.State;

namespace NetPlan.Cli.Engine;

/// <summary>
/// What apply and destroy do when an operation fails: each host's agent undoes (or keeps) what it
/// did on that host; with <see cref="Atomic"/>, hosts that succeeded are taken back too.
/// </summary>
internal sealed record FailurePolicy(OnFailure OnFailure, bool Atomic)
{
    public static readonly FailurePolicy Default = new(OnFailure.Rollback, Atomic: false);
}

/// <summary>Where one host stands after apply (or destroy), as the summary names it.</summary>
internal enum HostFate
{
    Applied,
    /// <summary>Succeeded, then taken back because another host failed (--atomic).</summary>
    RolledBack,
    FailedRolledBack,
    FailedKept,
    /// <summary>Failed in a way that says nothing of the host (a lost connection, say): observe it to know.</summary>
    Failed,
}

internal static class HostFates
{
    public static string Describe(this HostFate fate) => fate switch
    {
        HostFate.Applied => "applied",
        HostFate.RolledBack => "rolled back",
        HostFate.FailedRolledBack => "failed and rolled back",
        HostFate.FailedKept => "failed, kept",
        _ => "failed",
    };

    /// <summary>The host should now be as it was before the run, so it is compared with its first observation.</summary>
    public static bool Restored(this HostFate fate) => fate is HostFate.RolledBack or HostFate.FailedRolledBack;
}
