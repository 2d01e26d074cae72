using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using NetPlan.Core.Planning;
using NetPlan.Core.State;

namespace NetPlan.Agent.Protocol;

/// <summary>
/// The client side of the agent protocol: an <see cref="IHostAgent"/> whose calls travel as JSON
/// lines to an <see cref="AgentServer"/> (normally <c>netplan-agent serve</c> at the far end of an SSH
/// session). Errors come back as the same exceptions the agent threw: an <see cref="ApplyException"/>
/// keeps its operation index; anything else is a <see cref="RemoteAgentException"/>.
/// </summary>
public sealed class RemoteHostAgent : IHostAgent
{
    private readonly Stream _responses;
    private readonly Stream _requests;
    private readonly string _peer;
    private readonly Func<Task<string?>>? _explainLoss;
    private readonly JsonLineWriter _writer;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<ProtocolResponse>> _pending = new();
    private readonly Task _readLoop;
    private long _nextId;
    private volatile Exception? _lost;
    private int _disposed;

    /// <param name="responses">What the agent writes (its stdout).</param>
    /// <param name="requests">What the agent reads (its stdin). Closed on dispose, which tells the agent to exit.</param>
    /// <param name="peer">Who is at the other end, for messages (the node name).</param>
    /// <param name="explainLoss">
    /// Asked once when the connection drops, for the transport's side of the story (e.g. ssh's exit
    /// code and stderr), which is appended to the error every pending and later call gets.
    /// </param>
    public RemoteHostAgent(Stream responses, Stream requests, string peer, Func<Task<string?>>? explainLoss = null)
    {
        _responses = responses;
        _requests = requests;
        _peer = peer;
        _explainLoss = explainLoss;
        _writer = new JsonLineWriter(requests);
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>How long dispose waits for the agent to hang up after its input was closed.</summary>
    public static readonly TimeSpan DisposeGrace = TimeSpan.FromSeconds(5);

    public async Task<HostFacts> HelloAsync(CancellationToken cancellationToken = default)
    {
        var hello = JsonSerializer.SerializeToElement(new HelloParams(AgentProtocol.Version), ProtocolJson.Default.HelloParams);
        var response = await CallAsync(AgentProtocol.Hello, hello, cancellationToken).ConfigureAwait(false);
        var result = Result(response, ProtocolJson.Default.HelloResult);
        if (result.Protocol != AgentProtocol.Version)
            throw new RemoteAgentException(_peer, $"agent on {_peer} speaks agent protocol {result.Protocol}, this netplan speaks {AgentProtocol.Version}");
        return result.Facts.Deserialize(StateJson.Default.HostFacts)
               ?? throw new RemoteAgentException(_peer, $"agent on {_peer} sent no host facts");
    }

    public async Task<Observation> ObserveAsync(ObserveScope scope, CancellationToken cancellationToken = default)
    {
        var response = await CallAsync(AgentProtocol.Observe, JsonSerializer.SerializeToElement(scope, StateJson.Default.ObserveScope), cancellationToken)
            .ConfigureAwait(false);
        return Result(response, StateJson.Default.Observation);
    }

    public Task<ApplyResult> ApplyAsync(IReadOnlyList<Operation> operations, CancellationToken cancellationToken = default) =>
        ApplyAsync(operations, OnFailure.Rollback, cancellationToken);

    public async Task<ApplyResult> ApplyAsync(IReadOnlyList<Operation> operations, OnFailure onFailure, CancellationToken cancellationToken = default)
    {
        var list = operations as List<Operation> ?? operations.ToList();
        var parameters = new ApplyParams(JsonSerializer.SerializeToElement(list, StateJson.Default.ListOperation), onFailure);
        var response = await CallAsync(AgentProtocol.Apply, JsonSerializer.SerializeToElement(parameters, ProtocolJson.Default.ApplyParams), cancellationToken)
            .ConfigureAwait(false);
        if (response.Error is { Kind: ErrorKinds.Apply, OperationIndex: { } index } error && index >= 0 && index < list.Count)
            throw new ApplyException(list[index], index, error.Message) { Rollback = error.Rollback };
        return Result(response, StateJson.Default.ApplyResult);
    }

    /// <summary>A try that does not wait, then (if taken) one that waits: see <see cref="ConnectionLocks"/>.</summary>
    public async Task<IAsyncDisposable> AcquireLockAsync(string topology, LockHolder holder, TimeSpan timeout,
        Action<LockHolder?>? onWaiting = null, CancellationToken cancellationToken = default)
    {
        var first = await LockCallAsync(topology, holder, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        if (!first.Acquired)
        {
            onWaiting?.Invoke(first.Holder);
            var second = timeout > TimeSpan.Zero ? await LockCallAsync(topology, holder, timeout, cancellationToken).ConfigureAwait(false) : first;
            if (!second.Acquired) throw new LockTimeoutException(topology, second.Holder ?? first.Holder, timeout);
        }
        return new RemoteLock(this, topology);
    }

    private async Task<LockResult> LockCallAsync(string topology, LockHolder holder, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var parameters = new LockParams(topology, holder, (long)timeout.TotalMilliseconds);
        var response = await CallAsync(AgentProtocol.Lock, JsonSerializer.SerializeToElement(parameters, ProtocolJson.Default.LockParams), cancellationToken)
            .ConfigureAwait(false);
        return Result(response, ProtocolJson.Default.LockResult);
    }

    /// <summary>
    /// Unlocks explicitly while the connection lasts; once it is gone (or this agent disposed) there
    /// is nothing to do: the agent at the far end exits and the kernel drops its lock.
    /// </summary>
    private sealed class RemoteLock(RemoteHostAgent agent, string topology) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (agent._disposed != 0 || agent._lost is not null) return;
            var parameters = JsonSerializer.SerializeToElement(new UnlockParams(topology), ProtocolJson.Default.UnlockParams);
            try { await agent.CallAsync(AgentProtocol.Unlock, parameters, CancellationToken.None).ConfigureAwait(false); }
            catch (RemoteAgentException) { /* the connection went: so did the lock */ }
        }
    }

    private async Task<ProtocolResponse> CallAsync(string method, JsonElement parameters, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_lost is { } lost) throw lost;

        var id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<ProtocolResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        try
        {
            // The read loop may have failed between the check above and registering: check again.
            if (_lost is { } lostNow) throw lostNow;
            // The write itself is not cancellable: a half-written line would garble the stream for
            // every later call. Cancelling only stops waiting for the reply.
            await _writer.WriteAsync(new ProtocolRequest(id, method, parameters), ProtocolJson.Default.ProtocolRequest, CancellationToken.None)
                .ConfigureAwait(false);
            return await reply.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // Writing failed because the agent went away; the read loop will say why in a moment.
            await Task.WhenAny(_readLoop, Task.Delay(DisposeGrace, CancellationToken.None)).ConfigureAwait(false);
            throw _lost ?? new AgentConnectionLostException(_peer, $"connection to the agent on {_peer} was lost");
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private T Result<T>(ProtocolResponse response, JsonTypeInfo<T> typeInfo)
    {
        if (response.Error is { } error)
            throw new RemoteAgentException(_peer, $"agent on {_peer}: {error.Message}", error.Kind);
        if (response.Result is not { } result)
            throw new RemoteAgentException(_peer, $"agent on {_peer} answered request {response.Id} with neither result nor error", ErrorKinds.Protocol);
        return result.Deserialize(typeInfo) ?? throw new RemoteAgentException(_peer, $"agent on {_peer} answered null", ErrorKinds.Protocol);
    }

    private async Task ReadLoopAsync()
    {
        Exception failure;
        try
        {
            using var reader = JsonLineReader.Open(_responses);
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                if (string.IsNullOrWhiteSpace(line)) continue;
                var response = JsonSerializer.Deserialize(line, ProtocolJson.Default.ProtocolResponse)
                               ?? throw new JsonException("null response");
                if (_pending.TryRemove(response.Id, out var waiter))
                    waiter.TrySetResult(response);
                else if (response.Error is { } error)
                    // Only a request the agent could not even read is answered without a known id.
                    throw new RemoteAgentException(_peer, $"agent on {_peer} rejected a request: {error.Message}", error.Kind);
                // A reply to a call that was cancelled meanwhile: nobody waits for it any more.
            }
            failure = new AgentConnectionLostException(_peer, $"the agent on {_peer} hung up");
        }
        catch (JsonException ex)
        {
            failure = new AgentConnectionLostException(_peer, $"the agent on {_peer} sent something that is not a protocol reply: {ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or RemoteAgentException)
        {
            failure = ex as RemoteAgentException ?? new AgentConnectionLostException(_peer, $"connection to the agent on {_peer} was lost: {ex.Message}", ex);
        }

        if (_disposed == 0 && _explainLoss is not null && failure is AgentConnectionLostException)
        {
            string? explanation = null;
            try { explanation = await _explainLoss().ConfigureAwait(false); }
            catch (Exception ex) { explanation = $"(could not find out why: {ex.Message})"; }
            if (!string.IsNullOrWhiteSpace(explanation))
                failure = new AgentConnectionLostException(_peer, $"{failure.Message}: {explanation}", failure.InnerException);
        }

        _lost = failure;
        foreach (var id in _pending.Keys)
            if (_pending.TryRemove(id, out var waiter))
                waiter.TrySetException(failure);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        // EOF on the agent's stdin is its signal to finish and exit.
        try { await _requests.DisposeAsync().ConfigureAwait(false); }
        catch (IOException) { /* already gone */ }
        await Task.WhenAny(_readLoop, Task.Delay(DisposeGrace)).ConfigureAwait(false);
        await _responses.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>The agent (or the protocol) reported a failure other than a refused operation.</summary>
public class RemoteAgentException(string peer, string message, string? kind = null, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The node the agent runs on.</summary>
    public string Peer { get; } = peer;

    /// <summary><c>agent</c> (the agent threw) or <c>protocol</c> (the exchange itself went wrong); null for transport loss.</summary>
    public string? Kind { get; } = kind;
}

/// <summary>The connection to the agent ended while netplan still needed it.</summary>
public sealed class AgentConnectionLostException(string peer, string message, Exception? inner = null)
    : RemoteAgentException(peer, message, null, inner);
