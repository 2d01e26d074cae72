namespace NetPlan.Transport.Ssh;

/// <summary>What went wrong between netplan and a node. Only <see cref="Connection"/> is ever retried.</summary>
public enum SshFailure
{
    /// <summary>ssh could not reach the node (exit 255: refused, unreachable, timed out, reset).</summary>
    Connection,
    /// <summary>The node's host key is unknown or differs from known_hosts. Never retried, never bypassed.</summary>
    HostKeyRejected,
    /// <summary>The node refused every credential ssh offered.</summary>
    AuthenticationFailed,
    /// <summary>Connected, but a remote step (sudo, the agent directory, the upload) failed.</summary>
    RemoteCommandFailed,
}

public sealed class SshException(string node, SshFailure failure, string message, int? exitCode = null, string? stderr = null, Exception? inner = null)
    : Exception(message, inner)
{
    public string Node { get; } = node;
    public SshFailure Failure { get; } = failure;
    public int? ExitCode { get; } = exitCode;
    /// <summary>What ssh (or the remote command) wrote to stderr, trimmed.</summary>
    public string? Stderr { get; } = stderr;

    /// <summary>ssh reserves exit code 255 for its own failures; 1-254 belong to the remote command.</summary>
    public const int SshOwnFailure = 255;

    /// <summary>Names an ssh exit by what it means, from the exit code and ssh's own stderr.</summary>
    public static SshException FromExit(string node, string step, int exitCode, string stderr)
    {
        var said = stderr.Trim();
        var detail = said.Length == 0 ? $"exit code {exitCode}" : said;
        if (exitCode != SshOwnFailure)
            return new(node, SshFailure.RemoteCommandFailed, $"{node}: {step} failed (exit code {exitCode}): {detail}", exitCode, said);
        if (said.Contains("REMOTE HOST IDENTIFICATION HAS CHANGED", StringComparison.Ordinal)
            || said.Contains("Host key verification failed", StringComparison.Ordinal)
            || said.Contains("host key is known for", StringComparison.Ordinal))
            return new(node, SshFailure.HostKeyRejected,
                $"{node}: the host key does not match known_hosts (or is not in it); netplan never bypasses host key checking. " +
                $"Verify the host's key and update known_hosts. ssh said: {LastLines(said)}", exitCode, said);
        if (said.Contains("Permission denied", StringComparison.Ordinal))
            return new(node, SshFailure.AuthenticationFailed, $"{node}: authentication refused: {LastLines(said)}", exitCode, said);
        return new(node, SshFailure.Connection, $"{node}: cannot connect: {LastLines(said)}", exitCode, said);
    }

    private static string LastLines(string text)
    {
        // ssh's host-key warning is a banner of '@' lines; the last lines carry the facts.
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("@@@", StringComparison.Ordinal)).ToArray();
        return lines.Length == 0 ? "(nothing)" : string.Join(" | ", lines.TakeLast(3));
    }
}
