using NetPlan.Agent.Protocol;
using NetPlan.Core.Language;
using NetPlan.Transport.Agents;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace NetPlan.Transport.Ssh;

/// <summary>
/// Reaches a node's agent over OpenSSH: makes sure the node holds this exact agent build
/// (content-addressed by SHA-256, uploaded only when missing, verified before it runs), starts
/// <c>netplan-agent serve</c> in one long-lived session and says hello.
/// Connection failures before hello are retried with jittered backoff; nothing after hello ever is,
/// so a half-applied change is never repeated blindly.
/// </summary>
public sealed class SshAgentConnector
{
    private readonly SshOptions _options;
    private readonly Lazy<AgentBinary> _agent;
    private readonly Lazy<ResiliencePipeline> _reach;

    /// <param name="agent">The binary to ship; resolved on first use, so runs with only local nodes never need it.</param>
    /// <param name="onRetry">Told about each retried connection failure (progress output, tests).</param>
    public SshAgentConnector(SshOptions options, Func<AgentBinary>? agent = null, Action<ConnectRetry>? onRetry = null)
    {
        _options = options;
        _agent = new Lazy<AgentBinary>(agent ?? AgentBinary.Locate, LazyThreadSafetyMode.ExecutionAndPublication);
        // Built on first use like the agent: Polly validates its options by reflection, a few
        // milliseconds that a run with only local nodes has no reason to pay.
        _reach = new Lazy<ResiliencePipeline>(() => ReachPipeline(options, onRetry), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    private static ResiliencePipeline ReachPipeline(SshOptions options, Action<ConnectRetry>? onRetry) =>
        new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder()
                    .Handle<SshException>(e => e.Failure == SshFailure.Connection)
                    .Handle<TimeoutRejectedException>(),
                MaxRetryAttempts = Math.Max(0, options.ConnectAttempts - 1),
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                MaxDelay = TimeSpan.FromSeconds(30),
                OnRetry = args =>
                {
                    if (onRetry is not null && args.Context.Properties.TryGetValue(NodeKey, out var node))
                        // Polly counts retries from 0: retry 0 follows the first try, so the next try is number AttemptNumber + 2.
                        onRetry(new ConnectRetry(node, args.AttemptNumber + 2, args.Outcome.Exception, args.RetryDelay));
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();

    private static readonly ResiliencePropertyKey<string> NodeKey = new("netplan.node");

    public SshOptions Options => _options;

    /// <summary>Ships the agent if needed, starts it in a long-lived session and says hello.</summary>
    public Task<SshHostAgent> ConnectAsync(Node node, CancellationToken cancellationToken = default) =>
        ReachAsync(node, (target, ct) => TryConnectAsync(target, ct), cancellationToken);

    /// <summary>Makes sure the node holds this exact agent build, uploading it only when it does not.</summary>
    public Task<AgentShipping> EnsureAgentAsync(Node node, CancellationToken cancellationToken = default) =>
        ReachAsync(node, (target, ct) => ShipAgentAsync(target, _agent.Value, ct), cancellationToken);

    /// <summary>The agent binary this connector ships.</summary>
    public AgentBinary Agent => _agent.Value;

    private async Task<T> ReachAsync<T>(Node node, Func<SshTarget, CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        var target = SshTarget.For(node);
        SshCommandLine.EnsureControlDirectory(_options);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(NodeKey, target.Node);
        try
        {
            return await _reach.Value.ExecuteAsync(static (ctx, state) => new ValueTask<T>(state.attempt(state.target, ctx.CancellationToken)),
                context, (attempt, target)).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new SshException(target.Node, SshFailure.Connection,
                $"{target.Node}: no answer within {_options.AttemptTimeout.TotalSeconds:0} s ({_options.ConnectAttempts} tries)", inner: ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Runs one fixed command on the node through the same session settings (and master) as the agent.</summary>
    public async Task<string> RunAsync(Node node, RemoteCommand command, CancellationToken cancellationToken = default)
    {
        var target = SshTarget.For(node);
        SshCommandLine.EnsureControlDirectory(_options);
        var run = await SshProcess.RunAsync(_options, SshCommandLine.Build(target, _options, command), null, cancellationToken).ConfigureAwait(false);
        if (run.ExitCode != 0) throw SshException.FromExit(target.Node, string.Join(' ', command.Words), run.ExitCode, run.Stderr);
        return run.Stdout;
    }

    private async Task<SshHostAgent> TryConnectAsync(SshTarget target, CancellationToken cancellationToken)
    {
        var agent = _agent.Value;
        // Usually the node already has this build: verify-and-start is then the only round trip.
        var session = await StartAgentAsync(target, agent, AgentShipping.AlreadyPresent, cancellationToken).ConfigureAwait(false);
        if (session is not null) return session;
        await ShipAgentAsync(target, agent, cancellationToken).ConfigureAwait(false);
        return await StartAgentAsync(target, agent, AgentShipping.Uploaded, cancellationToken).ConfigureAwait(false)
               ?? throw new SshException(target.Node, SshFailure.RemoteCommandFailed,
                   $"{target.Node}: the agent was uploaded and verified, but the node still reports it missing; is {RemoteCommand.AgentRoot} writable and persistent?");
    }

    private async Task<AgentShipping> ShipAgentAsync(SshTarget target, AgentBinary agent, CancellationToken cancellationToken)
    {
        if (await HasAgentAsync(target, agent, cancellationToken).ConfigureAwait(false)) return AgentShipping.AlreadyPresent;
        await using (var binary = File.OpenRead(agent.Path))
            await RunStepAsync(target, "uploading the agent", RemoteCommand.UploadAgent(agent.Sha256, target.Settings.Sudo), binary, cancellationToken)
                .ConfigureAwait(false);
        // Verified where it will run, before it ever runs.
        if (!await HasAgentAsync(target, agent, cancellationToken).ConfigureAwait(false))
            throw new SshException(target.Node, SshFailure.RemoteCommandFailed,
                $"{target.Node}: the uploaded agent does not match its SHA-256 {agent.Sha256}; refusing to run it");
        return AgentShipping.Uploaded;
    }

    /// <summary>True when the node holds a file with exactly this digest under the digest's own directory.</summary>
    private async Task<bool> HasAgentAsync(SshTarget target, AgentBinary agent, CancellationToken cancellationToken)
    {
        var command = RemoteCommand.ChecksumAgent(agent.Sha256, target.Settings.Sudo);
        var run = await SshProcess.RunAsync(_options, SshCommandLine.Build(target, _options, command), null, cancellationToken).ConfigureAwait(false);
        if (run.ExitCode == 0)
            // A file under the digest's name with other content (a broken copy) is simply replaced.
            return run.Stdout.Split(' ', 2)[0].Trim() == agent.Sha256;
        if (run.ExitCode != SshException.SshOwnFailure && run.Stderr.Contains("No such file", StringComparison.Ordinal))
            return false;
        throw SshException.FromExit(target.Node, "checking the agent", run.ExitCode, run.Stderr);
    }

    private async Task RunStepAsync(SshTarget target, string step, RemoteCommand command, Stream? input, CancellationToken cancellationToken)
    {
        var run = await SshProcess.RunAsync(_options, SshCommandLine.Build(target, _options, command), input, cancellationToken).ConfigureAwait(false);
        if (run.ExitCode != 0) throw SshException.FromExit(target.Node, step, run.ExitCode, run.Stderr);
    }

    /// <summary>Starts the verified agent and says hello; null when the node lacks this exact build.</summary>
    private async Task<SshHostAgent?> StartAgentAsync(SshTarget target, AgentBinary agent, AgentShipping shipping, CancellationToken cancellationToken)
    {
        var arguments = SshCommandLine.Build(target, _options, RemoteCommand.ServeVerifiedAgent(agent.Sha256, target.Settings.Sudo));
        var process = SshProcess.Start(_options, arguments);
        var session = new SshHostAgent(target.Node, process, new StderrTail(process.StandardError), shipping, SshCommandLine.ControlPath(target, _options));
        try
        {
            await session.HelloAsync(cancellationToken).ConfigureAwait(false);
            return session;
        }
        catch (Exception ex) when (ex is AgentConnectionLostException or OperationCanceledException)
        {
            await session.DisposeAsync().ConfigureAwait(false);
            if (ex is OperationCanceledException) throw;
            if (session.ExitCode == RemoteCommand.AgentMissingExitCode) return null;
            // Before hello nothing has happened on the node, so a dropped connection may be retried.
            if (session.ExitCode is { } code) throw SshException.FromExit(target.Node, "starting the agent", code, session.Stderr);
            throw new SshException(target.Node, SshFailure.Connection, $"{target.Node}: {ex.Message}", inner: ex);
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}

/// <summary>A connection failure that is being retried: which node, which try comes next, why, and after how long.</summary>
public sealed record ConnectRetry(string Node, int NextAttempt, Exception? Error, TimeSpan Delay);
