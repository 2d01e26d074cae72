using System.Text.Json;
using NetPlan.Core.State;

namespace NetPlan.Agent.Protocol;

/// <summary>
/// Serves one <see cref="IHostAgent"/> over a pair of streams (stdin/stdout of <c>netplan-agent serve</c>).
/// Requests are handled one at a time, in order: an agent applies one plan at a time, and the
/// client never needs more. Returns when the input ends (the client hung up).
/// </summary>
public static class AgentServer
{
    /// <param name="log">Where to describe unexpected failures in full (stderr for the binary); never the protocol stream.</param>
    /// <summary>
    /// Serves one agent on this process's stdin/stdout until stdin ends: what `netplan-agent serve`
    /// and `netplan agent` run. Only the protocol writes to stdout (Console output is sent to
    /// stderr); returns the process exit code (0, or 1 on failure — never 255, which is ssh's own).
    /// </summary>
    public static async Task<int> ServeStandardStreamsAsync(Func<IHostAgent> createAgent, string program)
    {
        var stdin = Console.OpenStandardInput();
        var stdout = Console.OpenStandardOutput();
        Console.SetOut(Console.Error);
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        try
        {
            await using var agent = createAgent();
            await RunAsync(agent, stdin, stdout, stop.Token, Console.Error);
            return 0;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 1;
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"{program}: {ex.Message}");
            return 1;
        }
    }

    public static async Task RunAsync(IHostAgent agent, Stream input, Stream output, CancellationToken cancellationToken, TextWriter? log = null)
    {
        using var reader = JsonLineReader.Open(input);
        var writer = new JsonLineWriter(output);
        await using var locks = new ConnectionLocks();
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            var response = await HandleAsync(agent, locks, line, log, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(response, ProtocolJson.Default.ProtocolResponse, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<ProtocolResponse> HandleAsync(IHostAgent agent, ConnectionLocks locks, string line, TextWriter? log, CancellationToken cancellationToken)
    {
        ProtocolRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(line, ProtocolJson.Default.ProtocolRequest);
        }
        catch (JsonException ex)
        {
            return Failure(0, ErrorKinds.Protocol, $"malformed request: {ex.Message}");
        }
        if (request is null || string.IsNullOrEmpty(request.Method))
            return Failure(request?.Id ?? 0, ErrorKinds.Protocol, "malformed request: expected {\"id\", \"method\", \"params\"}");

        try
        {
            var result = request.Method switch
            {
                AgentProtocol.Hello => await HelloAsync(agent, request, cancellationToken).ConfigureAwait(false),
                AgentProtocol.Observe => await ObserveAsync(agent, request, cancellationToken).ConfigureAwait(false),
                AgentProtocol.Apply => await ApplyAsync(agent, request, cancellationToken).ConfigureAwait(false),
                AgentProtocol.Lock => await locks.LockAsync(agent, Params(request).Deserialize(ProtocolJson.Default.LockParams)
                                                                   ?? throw new ProtocolViolation("lock needs params {\"topology\", \"holder\", \"timeout_ms\"}"), cancellationToken).ConfigureAwait(false),
                AgentProtocol.Unlock => await locks.UnlockAsync(Params(request).Deserialize(ProtocolJson.Default.UnlockParams)
                                                                 ?? throw new ProtocolViolation("unlock needs params {\"topology\"}")).ConfigureAwait(false),
                _ => throw new ProtocolViolation($"unknown method '{request.Method}' (this agent knows hello, observe, apply, lock, unlock)"),
            };
            return new ProtocolResponse(request.Id, result, null);
        }
        catch (ProtocolViolation ex)
        {
            return Failure(request.Id, ErrorKinds.Protocol, ex.Message);
        }
        catch (JsonException ex)
        {
            return Failure(request.Id, ErrorKinds.Protocol, $"malformed params for '{request.Method}': {ex.Message}");
        }
        catch (ApplyException ex)
        {
            log?.WriteLine($"netplan-agent: apply failed at operation {ex.Index} ({ex.Operation.Key}): {ex}");
            return new ProtocolResponse(request.Id, null, new ProtocolError(ex.Message, ErrorKinds.Apply, ex.Index, ex.Rollback));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            log?.WriteLine($"netplan-agent: {request.Method} failed: {ex}");
            return Failure(request.Id, ErrorKinds.Agent, ex.Message);
        }
    }

    private static async Task<JsonElement> HelloAsync(IHostAgent agent, ProtocolRequest request, CancellationToken cancellationToken)
    {
        var hello = Params(request).Deserialize(ProtocolJson.Default.HelloParams)
                    ?? throw new ProtocolViolation("hello needs params {\"protocol\": N}");
        if (hello.Protocol != AgentProtocol.Version)
            throw new ProtocolViolation($"netplan speaks agent protocol {hello.Protocol}, this agent speaks {AgentProtocol.Version}");
        var facts = await agent.HelloAsync(cancellationToken).ConfigureAwait(false);
        var result = new HelloResult(AgentProtocol.Version, JsonSerializer.SerializeToElement(facts, StateJson.Default.HostFacts));
        return JsonSerializer.SerializeToElement(result, ProtocolJson.Default.HelloResult);
    }

    private static async Task<JsonElement> ObserveAsync(IHostAgent agent, ProtocolRequest request, CancellationToken cancellationToken)
    {
        var scope = Params(request).Deserialize(StateJson.Default.ObserveScope)
                    ?? throw new ProtocolViolation("observe needs an observe scope as params");
        var observation = await agent.ObserveAsync(scope, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.SerializeToElement(observation, StateJson.Default.Observation);
    }

    private static async Task<JsonElement> ApplyAsync(IHostAgent agent, ProtocolRequest request, CancellationToken cancellationToken)
    {
        var apply = Params(request).Deserialize(ProtocolJson.Default.ApplyParams)
                    ?? throw new ProtocolViolation("apply needs params {\"operations\": [...], \"on_failure\": \"Rollback\" | \"Keep\"}");
        if (apply.Operations.ValueKind != JsonValueKind.Array) throw new JsonException("\"operations\" must be a list of operations");
        var operations = apply.Operations.Deserialize(StateJson.Default.ListOperation)
                         ?? throw new ProtocolViolation("apply needs the list of operations");
        var result = await agent.ApplyAsync(operations, apply.OnFailure, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.SerializeToElement(result, StateJson.Default.ApplyResult);
    }

    private static JsonElement Params(ProtocolRequest request) =>
        request.Params ?? throw new ProtocolViolation($"'{request.Method}' needs params");

    private static ProtocolResponse Failure(long id, string kind, string message) =>
        new(id, null, new ProtocolError(message, kind));

    /// <summary>The request itself is wrong (as opposed to the agent failing to do it).</summary>
    private sealed class ProtocolViolation(string message) : Exception(message);
}
