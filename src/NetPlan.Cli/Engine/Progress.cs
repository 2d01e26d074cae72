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

    /// <summary>A line the user acts on (where a plan was saved), shown even when progress is quiet.</summary>
    public void Note(string message) => Write(message);

    public void Warn(string message) => Write("warning: " + message);

    public void Error(string message) => Write("error: " + message);

    private void Write(string line)
    {
        lock (_gate) stderr.WriteLine(line);
    }
}
