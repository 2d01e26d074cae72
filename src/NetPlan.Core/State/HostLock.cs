using System.Globalization;

namespace NetPlan.Core.State;

/// <summary>
/// Who holds (or asks for) a host's lock for one topology: written into the lock file by the
/// holder, so a run that has to wait can say whom it waits for.
/// </summary>
/// <param name="Command">What the holder runs, e.g. "netplan apply".</param>
/// <param name="Host">The machine the holder's netplan runs on (the controller, for an ssh node).</param>
/// <param name="Pid">The holder's netplan process on <paramref name="Host"/>.</param>
public sealed record LockHolder(string Command, string User, string Host, int Pid, DateTimeOffset Started)
{
    /// <summary>The holder for this process, now.</summary>
    public static LockHolder ForThisProcess(string command) => new(
        command, Environment.UserName, Environment.MachineName, Environment.ProcessId, DateTimeOffset.Now);

    public override string ToString() =>
        $"pid {Pid} ({Command}, started {Started.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}) by {User} on {Host}";
}

/// <summary>The lock stayed taken for the whole timeout. Nothing was changed on the host.</summary>
public sealed class LockTimeoutException(string topology, LockHolder? holder, TimeSpan timeout)
    : Exception($"the lock for topology '{topology}' is held by {Describe(holder)}; gave up after {Seconds(timeout)} (--lock-timeout)")
{
    public string Topology { get; } = topology;

    /// <summary>Null when the holder left no readable description (it died while writing it, or is not netplan).</summary>
    public LockHolder? Holder { get; } = holder;

    public TimeSpan Timeout { get; } = timeout;

    public static string Describe(LockHolder? holder) => holder?.ToString() ?? "another process (no description)";

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
}
