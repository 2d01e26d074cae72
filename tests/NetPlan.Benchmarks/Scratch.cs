namespace NetPlan.Benchmarks;

/// <summary>
/// A throwaway namespace that plays the host for one scenario, and every sandbox the scenario
/// names; all removed on Dispose (links go with their namespaces). Nothing runs in the machine's
/// own network namespace.
/// </summary>
internal sealed class Scratch : IDisposable
{
    private readonly List<string> _sandboxes = [];

    public string Host { get; } = "nptest-bench-" + Guid.NewGuid().ToString("N")[..8];
    public string HostPath => "/run/netns/" + Host;

    public Scratch() => Shell.Run("ip", "netns", "add", Host);

    public string Sandbox(string label, int i)
    {
        var name = $"nptest-{label}-{Host[^8..]}-{i}";
        _sandboxes.Add(name);
        return name;
    }

    /// <summary>Links in the host namespace whose name starts with <paramref name="prefix"/> (via iproute2, the neutral witness).</summary>
    public int CountLinks(string prefix) =>
        Shell.Run("ip", "-n", Host, "-o", "link", "show").Split('\n').Count(l => l.Contains($": {prefix}"));

    /// <summary>Namespace teardown is asynchronous in the kernel: wait until the host side really is gone.</summary>
    public void WaitUntilNoLinks(string prefix)
    {
        while (CountLinks(prefix) > 0) Thread.Sleep(5);
    }

    public void Dispose()
    {
        foreach (var sandbox in _sandboxes)
            if (File.Exists("/run/netns/" + sandbox)) Shell.TryRun("ip", "netns", "del", sandbox);
        Shell.TryRun("ip", "netns", "del", Host);
    }
}

internal static class Shell
{
    // The same runner the tests use (linked from tests/Shared), so both witness iproute2 alike.
    public static string Run(params string[] argv) => NetPlan.Tests.ThrowawayNamespace.Run(argv);

    public static (int Code, string Stdout, string Stderr) TryRun(params string[] argv) => NetPlan.Tests.ThrowawayNamespace.TryRun(argv);

    /// <summary>
    /// `ip -n HOST -batch FILE` with the lines written to a temporary file; HOST null runs the
    /// batch without switching namespace, which `netns add/del` lines need: `ip -n` also enters a
    /// private (slave) mount namespace, from which a new /run/netns bind mount would not propagate.
    /// </summary>
    public static void Batch(string? host, IEnumerable<string> lines)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(file, lines);
            if (host is null) Run("ip", "-batch", file);
            else Run("ip", "-n", host, "-batch", file);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
