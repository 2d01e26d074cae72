using System.Diagnostics;
using NetPlan.Agent.Protocol;
using NetPlan.Core.Planning;
using NetPlan.Core.State;

namespace NetPlan.Transport.Ssh;

/// <summary>
/// A node's agent at the far end of one long-lived ssh session (<c>netplan-agent serve</c>):
/// the protocol client over ssh's stdin/stdout, plus the process it owns.
/// </summary>
public sealed class SshHostAgent : IHostAgent
{
    private readonly Process _ssh;
    private readonly RemoteHostAgent _remote;
    private readonly StderrTail _stderr;

    internal SshHostAgent(string node, Process ssh, StderrTail stderr, AgentShipping shipping, string controlPath)
    {
        Node = node;
        _ssh = ssh;
        _stderr = stderr;
        Shipping = shipping;
        ControlPath = controlPath;
        _remote = new RemoteHostAgent(ssh.StandardOutput.BaseStream, ssh.StandardInput.BaseStream, node, ExplainLossAsync);
    }

    public string Node { get; }

    /// <summary>Whether this connection had to upload the agent or found that exact build already there.</summary>
    public AgentShipping Shipping { get; }

    /// <summary>The ControlMaster socket this session multiplexes over.</summary>
    public string ControlPath { get; }

    private int? _exitCode;
    private bool _disposed;

    /// <summary>ssh's exit code once the session ended, for the connector's classification (kept after dispose).</summary>
    internal int? ExitCode => _disposed ? _exitCode : _ssh.HasExited ? _ssh.ExitCode : null;

    internal string Stderr => _stderr.Text;

    public Task<HostFacts> HelloAsync(CancellationToken cancellationToken = default) => _remote.HelloAsync(cancellationToken);

    public Task<Observation> ObserveAsync(ObserveScope scope, CancellationToken cancellationToken = default) =>
        _remote.ObserveAsync(scope, cancellationToken);

    public Task<ApplyResult> ApplyAsync(IReadOnlyList<Operation> operations, CancellationToken cancellationToken = default) =>
        _remote.ApplyAsync(operations, cancellationToken);

    public Task<ApplyResult> ApplyAsync(IReadOnlyList<Operation> operations, OnFailure onFailure, CancellationToken cancellationToken = default) =>
        _remote.ApplyAsync(operations, onFailure, cancellationToken);

    public Task<IAsyncDisposable> AcquireLockAsync(string topology, LockHolder holder, TimeSpan timeout,
        Action<LockHolder?>? onWaiting = null, CancellationToken cancellationToken = default) =>
        _remote.AcquireLockAsync(topology, holder, timeout, onWaiting, cancellationToken);

    /// <summary>Waits (briefly) for ssh to finish so its exit code and last words can explain a lost connection.</summary>
    internal async Task<string?> ExplainLossAsync()
    {
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try { await _ssh.WaitForExitAsync(wait.Token).ConfigureAwait(false); }
        catch (OperationCanceledException) { return "ssh is still running but the agent stopped answering"; }
        // ssh has exited; its stderr ends with it (a backgrounded ControlMaster writes to /dev/null).
        await Task.WhenAny(_stderr.Completion, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
        var said = _stderr.Text;
        return said.Length == 0 ? $"ssh exited with code {_ssh.ExitCode}" : $"ssh exited with code {_ssh.ExitCode}: {said}";
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        // Closing the agent's stdin ends `serve`; then the session ends by itself.
        await _remote.DisposeAsync().ConfigureAwait(false);
        using var wait = new CancellationTokenSource(RemoteHostAgent.DisposeGrace);
        try { await _ssh.WaitForExitAsync(wait.Token).ConfigureAwait(false); }
        catch (OperationCanceledException) { SshProcess.Kill(_ssh); }
        _exitCode = _ssh.HasExited ? _ssh.ExitCode : null;
        _disposed = true;
        _ssh.Dispose();
    }
}

public enum AgentShipping
{
    /// <summary>The node already had this exact agent build (same SHA-256).</summary>
    AlreadyPresent,
    /// <summary>The agent was uploaded (and verified) by this connection.</summary>
    Uploaded,
}

/// <summary>Drains a process's stderr (so it never blocks on a full pipe) and keeps the last lines for error messages.</summary>
internal sealed class StderrTail
{
    private const int Keep = 20;
    private readonly Queue<string> _lines = new();
    public Task Completion { get; }

    public StderrTail(StreamReader stderr) => Completion = Task.Run(async () =>
    {
        while (await stderr.ReadLineAsync().ConfigureAwait(false) is { } line)
            lock (_lines)
            {
                _lines.Enqueue(line);
                if (_lines.Count > Keep) _lines.Dequeue();
            }
    });

    public string Text
    {
        get { lock (_lines) return string.Join('\n', _lines).Trim(); }
    }
}
