namespace NetPlan.Transport.Ssh;

/// <summary>How netplan drives the system <c>ssh</c>. The defaults suit a CLI run; tests shorten the timeouts.</summary>
public sealed record SshOptions
{
    /// <summary>The OpenSSH client to run (looked up on PATH when not a path).</summary>
    public string Program { get; init; } = "ssh";

    /// <summary>Passed as <c>ConnectTimeout</c>: how long ssh waits for the TCP connection and the server's banner.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Total tries for reaching a node (first try included); only connection failures are retried.
    /// Two tries of five seconds keep an unreachable node's verdict within seconds, not minutes.
    /// </summary>
    public int ConnectAttempts { get; init; } = 2;

    /// <summary>First backoff delay between connection tries; grows exponentially, with jitter.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound for one try at reaching a node: probe, upload if needed, start the agent, hello.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long the ControlMaster outlives the last session, so the next command reuses it.</summary>
    public TimeSpan ControlPersist { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Private (0700) directory for ControlMaster sockets. Socket paths are limited to ~104 bytes, so
    /// the directory must be short; sockets inside are named by a hash of the node's identity.
    /// </summary>
    public string ControlDirectory { get; init; } = DefaultControlDirectory();

    public static string DefaultControlDirectory()
    {
        var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        if (!string.IsNullOrEmpty(runtime) && Path.IsPathFullyQualified(runtime) && Directory.Exists(runtime))
            return Path.Combine(runtime, "netplan-ssh");
        // Like Ansible's ~/.ansible/cp: under the user's own home, never a guessable shared /tmp name.
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh", "netplan-cp");
    }
}
