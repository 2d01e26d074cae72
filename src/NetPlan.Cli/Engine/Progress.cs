namespace NetPlan.Cli.Engine;

/// <summary>
/// Per-node progress and errors, on stderr so stdout carries only the plan (or JSON). Plain lines:
/// they read the same on a terminal and in a CI log, and per-node lines interleave safely.
/// </summary>
internal sealed class Progress(TextWriter stderr, bool quiet)
{
    private readonly object _gate = new();

    public void Node(string node, string status)
    {
        if (!quiet) Write($"[{node}] {status}");
    }

    /// <summary>Something the user must see even with --json (stderr stays free for it), e.g. why the run waits.</summary>
    public void Notice(string message) => Write(message);

    public void Warn(string message) => Write("warning: " + message);

    public void Error(string message) => Write("error: " + message);

    private void Write(string line)
    {
        lock (_gate) stderr.WriteLine(line);
    }
}
