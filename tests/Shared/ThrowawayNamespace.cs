using System.Diagnostics;

namespace NetPlan.Tests;

/// <summary>
/// A named network namespace (<c>/run/netns/nptest-…</c>) created for one test and removed on
/// Dispose, even when the test fails. Made with iproute2, which serves as the independent witness.
/// </summary>
public sealed class ThrowawayNamespace : IDisposable
{
    public string Name { get; }
    public string Path => "/run/netns/" + Name;

    public ThrowawayNamespace(string prefix = "nptest")
    {
        Name = $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 40)];
        Run("ip", "netns", "add", Name);
        Run("ip", "-n", Name, "link", "set", "lo", "up");
    }

    /// <summary>Runs a command inside the namespace (<c>ip netns exec</c>) and returns stdout; throws on failure.</summary>
    public string Exec(params string[] argv) => Run(["ip", "netns", "exec", Name, .. argv]);

    /// <summary>Runs a command and returns stdout; throws with stderr on a non-zero exit.</summary>
    public static string Run(params string[] argv)
    {
        var (code, stdout, stderr) = TryRun(argv);
        if (code != 0) throw new InvalidOperationException($"`{string.Join(' ', argv)}` exited {code}: {stderr.Trim()}");
        return stdout;
    }

    public static (int Code, string Stdout, string Stderr) TryRun(params string[] argv)
    {
        var psi = new ProcessStartInfo(argv[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in argv.Skip(1)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    public void Dispose() => TryRun("ip", "netns", "del", Name);
}
