namespace NetPlan.Tests;

/// <summary>
/// Gates tests that need root (kernel and end-to-end tests). Outside CI a non-root run skips them;
/// with CI=true a test that would skip fails instead, so CI can never go green by skipping.
/// Use with [SkippableFact] / [SkippableTheory].
/// </summary>
public static class Privileged
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static bool IsRoot => Environment.UserName == "root" || geteuid() == 0;

    public static void Require()
    {
        if (IsRoot) return;
        if (InCi) throw new InvalidOperationException("this test needs root; with CI=true it fails instead of skipping");
        Skip.If(true, "needs root (run as root, or with CI=true to make this a failure)");
    }

    /// <summary>
    /// The one allowed skip in CI: the kernel itself answered "unknown device type" (EOPNOTSUPP /
    /// "Unknown device type") for a link kind this machine's kernel lacks (ipvlan, vlan, dummy, ...).
    /// </summary>
    public static void SkipWhenKernelLacks(string linkKind, Exception kernelError)
    {
        Skip.If(true, $"the kernel has no '{linkKind}' link type (it answered: {kernelError.Message}); covered by the byte-exact encoding tests");
    }

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern uint geteuid();
}
