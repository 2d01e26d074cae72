using System.Globalization;
using System.Text;

namespace NetPlan.Transport.Ssh;

/// <summary>
/// Builds ssh's argv from typed settings. Every element is a separate argument (no local shell);
/// the remote command is a list of constant words (see <see cref="RemoteCommand"/>).
/// </summary>
public static class SshCommandLine
{
    /// <summary>Unix socket paths hold at most 104 bytes on some systems (108 on Linux), and ssh appends ".XXXXXXXXXXXXXXXX" while setting up a master.</summary>
    public const int MaxSocketPath = 104 - 17;

    public static IReadOnlyList<string> Build(SshTarget target, SshOptions options, RemoteCommand command)
    {
        var s = target.Settings;
        var args = new List<string>();
        if (s.ConfigFile is { } config) args.AddRange(["-F", config]);
        if (s.IdentityFile is { } identity) args.AddRange(["-i", EscapePercent(identity)]);
        if (s.KnownHostsFile is { } knownHosts) args.AddRange(["-o", $"UserKnownHostsFile=\"{EscapePercent(knownHosts)}\""]);
        if (s.Port is { } port) args.AddRange(["-p", port.ToString(CultureInfo.InvariantCulture)]);
        if (s.User is { } user) args.AddRange(["-l", user]);
        args.AddRange([
            // Never prompt: a prompt would hang a parallel run.
            "-o", "BatchMode=yes",
            // The host must already be in known_hosts; a changed key is refused. netplan never weakens this.
            "-o", "StrictHostKeyChecking=yes",
            "-o", $"ConnectTimeout={Math.Max(1, (int)Math.Ceiling(options.ConnectTimeout.TotalSeconds))}",
            // A session that stops answering (host gone mid-apply) is noticed instead of hanging.
            "-o", "ServerAliveInterval=15",
            "-o", "ServerAliveCountMax=3",
            "-o", "ControlMaster=auto",
            "-o", $"ControlPersist={Math.Max(1, (int)options.ControlPersist.TotalSeconds)}s",
            "-o", $"ControlPath={ControlPath(target, options)}",
            "-T",
            "--",
            target.Destination,
        ]);
        args.AddRange(command.Words);
        return args;
    }

    public static string ControlPath(SshTarget target, SshOptions options)
    {
        var path = Path.Combine(options.ControlDirectory, target.ControlSocketName());
        if (Encoding.UTF8.GetByteCount(path) > MaxSocketPath || path.Contains('%') || path.Any(char.IsWhiteSpace))
            throw new ArgumentException(
                $"ssh control directory '{options.ControlDirectory}' is too long (or has '%' or spaces) for a Unix socket path; choose a shorter one");
        return path;
    }

    /// <summary>ssh expands %-tokens in these paths; a literal '%' in a file name must be doubled.</summary>
    private static string EscapePercent(string path) => path.Replace("%", "%%", StringComparison.Ordinal);

    /// <summary>Creates the control directory owner-only (0700): anyone who can reach a master socket can use the session.</summary>
    public static void EnsureControlDirectory(SshOptions options)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("netplan drives OpenSSH ControlMaster sessions, which need a Unix system");
        var dir = new DirectoryInfo(options.ControlDirectory);
        if (!dir.Exists)
            Directory.CreateDirectory(dir.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        dir.Refresh();
        if (dir.LinkTarget is not null)
            throw new InvalidOperationException($"ssh control directory '{dir.FullName}' is a symbolic link; refusing to put sockets there");
        const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                                    | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        if ((dir.UnixFileMode & others) != 0)
            dir.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    }
}
