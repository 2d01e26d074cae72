using System.Diagnostics;
using System.Net;
using System.Text;
using NetPlan.Core.Language;

namespace NetPlan.EndToEnd.Tests.Lab;

/// <summary>One lab machine: its namespaces, its address on the lab switch and its sshd.</summary>
public sealed class LabHost : IDisposable
{
    private readonly SshLab _lab;
    private readonly StringBuilder _sshdLog = new();
    private Process? _sshd;

    internal LabHost(SshLab lab, string name, IPAddress address, NamespaceHost namespaces, string directory)
    {
        _lab = lab;
        Name = name;
        Address = address;
        Namespaces = namespaces;
        Directory = directory;
    }

    /// <summary>The node name, also the Host alias in the lab's ssh_config.</summary>
    public string Name { get; }
    public IPAddress Address { get; }
    public NamespaceHost Namespaces { get; }
    public string Directory { get; }
    public string HostKeyFile => Path.Combine(Directory, "ssh_host_ed25519_key");
    public string HostPublicKey => File.ReadAllText(HostKeyFile + ".pub").Split(' ')[..2] is var parts ? string.Join(' ', parts) : "";

    /// <summary>Everything sshd said so far (LogLevel VERBOSE: one "Connection from" line per TCP connection).</summary>
    public string SshdLog
    {
        get { lock (_sshdLog) return _sshdLog.ToString(); }
    }

    /// <summary>How many TCP connections the controller opened to this sshd so far.</summary>
    public int ConnectionsFromController =>
        SshdLog.Split('\n').Count(l => l.Contains($"Connection from {SshLab.ControllerAddress} ", StringComparison.Ordinal));

    /// <summary>This host as a topology node reached over SSH with the lab's config, key and known_hosts.</summary>
    public Node Node(bool sudo = false, string? knownHostsFile = null) =>
        new(Name, Address, Connection.Ssh,
            new SshSettings(Host: null, User: "root", Port: 22, IdentityFile: _lab.ClientKeyFile,
                KnownHostsFile: knownHostsFile ?? _lab.KnownHostsFile, ConfigFile: _lab.SshConfigFile, Sudo: sudo),
            SourceSpan.None);

    /// <summary>Runs a command on this host directly (not over SSH), e.g. to inspect what the agent did.</summary>
    public Task<Cmd.Result> ExecAsync(string program, params string[] arguments) => Namespaces.ExecAsync(program, arguments);

    public Task<Cmd.Result> ExecCheckAsync(string program, params string[] arguments) => Namespaces.ExecCheckAsync(program, arguments);

    internal async Task StartSshdAsync()
    {
        var config = Path.Combine(Directory, "sshd_config");
        await File.WriteAllTextAsync(config, $"""
            ListenAddress {Address}:22
            HostKey {HostKeyFile}
            PidFile none
            PermitRootLogin prohibit-password
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            # The lab's files live under /tmp, which StrictModes would (rightly) refuse for real users.
            StrictModes no
            AuthorizedKeysFile {_lab.AuthorizedKeysFile}
            LogLevel VERBOSE
            # Benchmarks open many sessions at once; ControlMaster multiplexes several per connection.
            MaxStartups 200
            MaxSessions 64
            """);
        _sshd = Process.Start(Namespaces.StartInfo("/usr/sbin/sshd", "-D", "-e", "-f", config))
                ?? throw new InvalidOperationException($"{Name}: cannot start sshd");
        _sshd.StandardInput.Close();
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _sshd.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) { listening.TrySetException(new InvalidOperationException($"{Name}: sshd exited: {SshdLog}")); return; }
            lock (_sshdLog) _sshdLog.AppendLine(e.Data);
            if (e.Data.StartsWith("Server listening on", StringComparison.Ordinal)) listening.TrySetResult();
        };
        _sshd.BeginErrorReadLine();
        _sshd.BeginOutputReadLine();
        await listening.Task.WaitAsync(TimeSpan.FromSeconds(15));
    }

    public void Dispose()
    {
        if (_sshd is { } sshd)
        {
            try { if (!sshd.HasExited) sshd.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            sshd.Dispose();
        }
        Namespaces.Dispose();
    }
}
