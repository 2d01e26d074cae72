namespace NetPlan.Transport.Ssh;

/// <summary>
/// The only commands netplan runs on a node. ssh joins the words with spaces and the remote login
/// shell parses the result, so every word here is a constant or the agent's hex digest, validated
/// on construction: no topology data ever reaches a remote shell.
/// </summary>
public sealed record RemoteCommand
{
    /// <summary>Root-owned home of shipped agents, one directory per content digest.</summary>
    public const string AgentRoot = "/var/lib/netplan/agent";
    public const string AgentFileName = "netplan-agent";

    public IReadOnlyList<string> Words { get; }

    private RemoteCommand(IEnumerable<string> words) => Words = words.ToArray();

    /// <summary>Prints "&lt;sha256&gt;  &lt;path&gt;" when the agent is there; fails with "No such file" when not.</summary>
    public static RemoteCommand ChecksumAgent(string digest, bool sudo) =>
        new(Sudo(sudo).Concat(["sha256sum", AgentPath(digest)]));

    /// <summary>
    /// Streams stdin into the agent's place: written under a temporary name and renamed, so a broken
    /// upload never leaves a half file under the real name.
    /// </summary>
    public static RemoteCommand UploadAgent(string digest, bool sudo)
    {
        var dir = AgentDirectory(digest);
        var temp = $"{dir}/.upload.$$";
        var script = $"umask 077 && mkdir -p {dir} && cat > {temp} && chmod 0700 {temp} && mv -f {temp} {dir}/{AgentFileName} || {{ rm -f {temp}; exit 1; }}";
        return new(Sudo(sudo).Concat(["sh", "-c", $"'{script}'"]));
    }

    /// <summary>Starts the agent on the protocol: JSON lines on stdin/stdout.</summary>
    public static RemoteCommand ServeAgent(string digest, bool sudo) => new(Sudo(sudo).Concat([AgentPath(digest), "serve"]));

    /// <summary>
    /// <see cref="ServeAgent"/>, but only after checking the file's digest in the same remote
    /// process that then becomes the agent (no window between check and exec, and one round trip
    /// instead of two). Exits <see cref="AgentMissingExitCode"/> when the agent is absent or differs.
    /// </summary>
    public static RemoteCommand ServeVerifiedAgent(string digest, bool sudo)
    {
        var path = AgentPath(digest);
        var script = $"echo \"{digest}  {path}\" | sha256sum --check --status 2>/dev/null || exit {AgentMissingExitCode}; exec {path} serve";
        return new(Sudo(sudo).Concat(["sh", "-c", $"'{script}'"]));
    }

    /// <summary>What <see cref="ServeVerifiedAgent"/> exits with when the node lacks this agent build. netplan-agent itself never exits with it.</summary>
    public const int AgentMissingExitCode = 97;

    public static RemoteCommand AgentVersion(string digest, bool sudo) => new(Sudo(sudo).Concat([AgentPath(digest), "--version"]));

    public static string AgentDirectory(string digest) => $"{AgentRoot}/{ValidDigest(digest)}";
    public static string AgentPath(string digest) => $"{AgentDirectory(digest)}/{AgentFileName}";

    /// <summary>sudo -n: fail at once instead of asking for a password nobody can type.</summary>
    private static string[] Sudo(bool sudo) => sudo ? ["sudo", "-n", "--"] : [];

    private static string ValidDigest(string digest) =>
        digest.Length == 64 && digest.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f')
            ? digest
            : throw new ArgumentException($"'{digest}' is not a lower-case hex SHA-256 digest", nameof(digest));
}
