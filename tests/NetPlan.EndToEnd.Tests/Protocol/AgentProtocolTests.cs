using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using NetPlan.Agent.Protocol;
using NetPlan.Core.Planning;
using NetPlan.Core.State;

namespace NetPlan.EndToEnd.Tests.Protocol;

/// <summary>
/// The agent protocol end to end over in-memory pipes: a real <see cref="AgentServer"/> in front of a
/// scripted agent, a real <see cref="RemoteHostAgent"/> calling it.
/// </summary>
public sealed class AgentProtocolTests : IAsyncLifetime
{
    private readonly Pipe _toAgent = new();
    private readonly Pipe _fromAgent = new();
    private ScriptedHostAgent _agent = new();
    private Task _server = Task.CompletedTask;
    private RemoteHostAgent _client = null!;

    private static readonly LinkObject Bridge = new("", "np-br-1a2b3c", LinkKind.Bridge) { Owner = "demo", Mtu = 1450, Up = true, Alias = "netplan:demo/net" };
    private static readonly AddressObject Gateway = new("", "np-br-1a2b3c", "10.10.0.1/24") { Owner = "demo" };
    private static readonly NamespaceObject Sandbox = new("web") { Owner = "demo", LoopbackUp = true };

    private void Start(ScriptedHostAgent agent)
    {
        StartServer(agent);
        _client = new RemoteHostAgent(_fromAgent.Reader.AsStream(), _toAgent.Writer.AsStream(), "node-a");
    }

    /// <summary>Only the server: the test itself writes requests and reads replies off the wire.</summary>
    private void StartServer(ScriptedHostAgent agent)
    {
        _agent = agent;
        _server = Task.Run(async () =>
        {
            try { await AgentServer.RunAsync(_agent, _toAgent.Reader.AsStream(), _fromAgent.Writer.AsStream(), CancellationToken.None); }
            // Like a process exiting: when the server is done, its output ends.
            finally { await _fromAgent.Writer.CompleteAsync(); }
        });
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_client is not null) await _client.DisposeAsync();
    }

    [Fact]
    public async Task Hello_returns_the_agents_facts()
    {
        Start(new ScriptedHostAgent());

        var facts = await _client.HelloAsync();

        Assert.Equal("9.9.9-test", facts.AgentVersion);
        Assert.Equal("6.1.0-test", facts.KernelRelease);
        Assert.Equal([LinkKind.Bridge, LinkKind.Veth, LinkKind.Vxlan], facts.SupportedLinkKinds);
        var eth0 = Assert.Single(facts.Interfaces);
        Assert.Equal(("eth0", 1500, true, "198.51.100.10/24"), (eth0.Name, eth0.Mtu, eth0.Up, eth0.Addresses.Single()));
    }

    [Fact]
    public async Task Observe_sends_the_scope_and_returns_every_object_with_its_type()
    {
        Start(new ScriptedHostAgent { State = new HostState([Bridge, Gateway, Sandbox]) });
        var scope = new ObserveScope("demo", ["web"], ["eth0"], ["/etc/netns/web/hosts"], [new SysctlRef("", "net.ipv4.ip_forward")]);

        var observation = await _client.ObserveAsync(scope);

        Assert.Equal([Bridge, Gateway, Sandbox], observation.State.Objects);
        var received = Assert.Single(_agent.ObservedScopes);
        Assert.Equal("demo", received.Owner);
        Assert.Equal(["web"], received.Namespaces);
        Assert.Equal(["eth0"], received.HostLinks);
        Assert.Equal(["/etc/netns/web/hosts"], received.Files);
        Assert.Equal(new SysctlRef("", "net.ipv4.ip_forward"), Assert.Single(received.Sysctls));
    }

    [Fact]
    public async Task Apply_sends_the_operations_in_order_and_returns_the_result()
    {
        Start(new ScriptedHostAgent());
        var plan = new List<Operation>
        {
            new(ChangeAction.Create, null, Sandbox),
            new(ChangeAction.Update, Bridge with { Mtu = 1500 }, Bridge) { Changed = ["mtu"] },
            new(ChangeAction.Delete, Gateway, null) { ImpliedBy = "link:@host/np-br-1a2b3c" },
        };

        var result = await _client.ApplyAsync(plan);

        Assert.Equal(3, result.Executed);
        var received = Assert.Single(_agent.AppliedPlans);
        Assert.Equal(plan.Select(o => (o.Action, o.Key, o.Before, o.After, o.ImpliedBy)),
                     received.Select(o => (o.Action, o.Key, o.Before, o.After, o.ImpliedBy)));
        Assert.Equal(["mtu"], received[1].Changed);
    }

    [Fact]
    public async Task A_refused_operation_arrives_as_ApplyException_with_the_same_index_and_message()
    {
        Start(new ScriptedHostAgent { FailAt = 1, FailureMessage = "RTM_NEWLINK: Numerical result out of range" });
        var plan = new List<Operation> { new(ChangeAction.Create, null, Sandbox), new(ChangeAction.Create, null, Bridge) };

        var ex = await Assert.ThrowsAsync<ApplyException>(() => _client.ApplyAsync(plan));

        Assert.Equal(1, ex.Index);
        Assert.Equal("link:@host/np-br-1a2b3c: RTM_NEWLINK: Numerical result out of range", ex.Message);
        Assert.Same(plan[1], ex.Operation);
    }

    [Fact]
    public async Task The_failure_policy_goes_to_the_agent_and_its_rollback_report_comes_back()
    {
        var report = new RollbackReport(1, [new UndoFailure(ChangeAction.Delete, Sandbox.Key, "left in place: netns:web is foreign now")]);
        Start(new ScriptedHostAgent { FailAt = 1, Rollback = report });
        var plan = new List<Operation> { new(ChangeAction.Create, null, Sandbox), new(ChangeAction.Create, null, Bridge) };

        var rolledBack = await Assert.ThrowsAsync<ApplyException>(() => _client.ApplyAsync(plan, OnFailure.Rollback));
        var kept = await Assert.ThrowsAsync<ApplyException>(() => _client.ApplyAsync(plan, OnFailure.Keep));

        Assert.Equal([OnFailure.Rollback, OnFailure.Keep], _agent.FailurePolicies);
        Assert.Equal(1, rolledBack.Rollback!.Undone);
        Assert.Equal(report.Failures, rolledBack.Rollback.Failures);
        Assert.False(rolledBack.Rollback.Complete);
        Assert.Null(kept.Rollback);
    }

    [Fact]
    public async Task Any_other_agent_failure_arrives_as_RemoteAgentException_naming_the_node()
    {
        Start(new ScriptedHostAgent { ObserveFailure = new InvalidOperationException("netlink socket: Permission denied") });

        var ex = await Assert.ThrowsAsync<RemoteAgentException>(() => _client.ObserveAsync(new ObserveScope("demo", [], [], [], [])));

        Assert.Equal("agent on node-a: netlink socket: Permission denied", ex.Message);
        Assert.Equal("agent", ex.Kind);
        Assert.Equal("node-a", ex.Peer);
    }

    [Fact]
    public async Task The_connection_serves_many_calls_and_concurrent_callers_get_their_own_replies()
    {
        Start(new ScriptedHostAgent { State = new HostState([Sandbox]) });

        var calls = Enumerable.Range(0, 20).Select(async i =>
            i % 2 == 0
                ? (await _client.ApplyAsync(Enumerable.Repeat(new Operation(ChangeAction.Create, null, Sandbox), i).ToList())).Executed
                : (await _client.ObserveAsync(new ObserveScope("demo", [], [], [], []))).State.Objects.Count);
        var answers = await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(0, 20).Select(i => i % 2 == 0 ? i : 1), answers);
    }

    [Fact]
    public async Task A_cancelled_call_stops_waiting_and_the_connection_keeps_working()
    {
        // No server yet: the request sits unanswered until the test plays the agent.
        var client = new RemoteHostAgent(_fromAgent.Reader.AsStream(), _toAgent.Writer.AsStream(), "node-d");
        await using var _ = client;
        using var cancel = new CancellationTokenSource();
        var call = client.ObserveAsync(new ObserveScope("demo", [], [], [], []), cancel.Token);
        var first = JsonDocument.Parse(await ReadLineAsync(_toAgent.Reader)).RootElement.GetProperty("id").GetInt64();

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        // The late reply to the cancelled call is dropped; the next call gets its own reply.
        var next = client.ApplyAsync([]);
        var second = JsonDocument.Parse(await ReadLineAsync(_toAgent.Reader)).RootElement.GetProperty("id").GetInt64();
        await _fromAgent.Writer.WriteAsync(Encoding.UTF8.GetBytes(
            "{\"id\":" + first + ",\"result\":{\"facts\":{},\"state\":{\"objects\":[]}}}\n" +
            "{\"id\":" + second + ",\"result\":{\"executed\":0}}\n"));
        Assert.Equal(0, (await next).Executed);
        await _fromAgent.Writer.CompleteAsync();
    }

    [Fact]
    public async Task Closing_the_client_ends_the_server_loop()
    {
        Start(new ScriptedHostAgent());
        await _client.HelloAsync();

        await _client.DisposeAsync();

        await _server.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(_server.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task When_the_agent_goes_away_pending_and_later_calls_fail_with_the_transports_explanation()
    {
        // No server: the "agent" reads one request and hangs up, like a process that crashed.
        var client = new RemoteHostAgent(_fromAgent.Reader.AsStream(), _toAgent.Writer.AsStream(), "node-b",
            () => Task.FromResult<string?>("ssh exited with code 255: Connection reset by peer"));
        await using var _ = client;
        var call = client.HelloAsync();
        var request = await _toAgent.Reader.ReadAsync();
        _toAgent.Reader.AdvanceTo(request.Buffer.End);
        await _fromAgent.Writer.CompleteAsync();

        var first = await Assert.ThrowsAsync<AgentConnectionLostException>(() => call);
        var later = await Assert.ThrowsAsync<AgentConnectionLostException>(() => client.ObserveAsync(new ObserveScope("demo", [], [], [], [])));

        Assert.Equal("the agent on node-b hung up: ssh exited with code 255: Connection reset by peer", first.Message);
        Assert.Same(first, later);
    }

    [Fact]
    public async Task An_agent_speaking_another_protocol_version_is_refused_by_name()
    {
        var client = new RemoteHostAgent(_fromAgent.Reader.AsStream(), _toAgent.Writer.AsStream(), "node-c");
        await using var _ = client;
        var call = client.HelloAsync();
        var request = await ReadLineAsync(_toAgent.Reader);
        var id = JsonDocument.Parse(request).RootElement.GetProperty("id").GetInt64();
        await _fromAgent.Writer.WriteAsync(Encoding.UTF8.GetBytes(
            "{\"id\":" + id + ",\"result\":{\"protocol\":" + (AgentProtocol.Version + 1)
            + ""","facts":{"agent_version":"x","kernel_release":"y","supported_link_kinds":[],"interfaces":[]}}}""" + "\n"));

        var ex = await Assert.ThrowsAsync<RemoteAgentException>(() => call);

        Assert.Equal($"agent on node-c speaks agent protocol {AgentProtocol.Version + 1}, this netplan speaks {AgentProtocol.Version}", ex.Message);
        await _fromAgent.Writer.CompleteAsync();
    }

    [Theory]
    [InlineData("""{"id":7,"method":"hello","params":{"protocol":0}}""", 7, "protocol", "netplan speaks agent protocol 0, this agent speaks 2")]
    [InlineData("""{"id":8,"method":"reboot","params":{}}""", 8, "protocol", "unknown method 'reboot' (this agent knows hello, observe, apply, lock, unlock)")]
    [InlineData("""{"id":9,"method":"observe"}""", 9, "protocol", "'observe' needs params")]
    [InlineData("""{"id":10,"method":"apply","params":{"not":"a list"}}""", 10, "protocol", "malformed params for 'apply': ")]
    [InlineData("""this is not json""", 0, "protocol", "malformed request: ")]
    public async Task The_server_answers_bad_requests_with_a_protocol_error_and_keeps_serving(string line, long id, string kind, string messageStart)
    {
        StartServer(new ScriptedHostAgent());

        await _toAgent.Writer.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));
        var reply = JsonDocument.Parse(await ReadLineAsync(_fromAgent.Reader)).RootElement;

        Assert.Equal(id, reply.GetProperty("id").GetInt64());
        Assert.False(reply.TryGetProperty("result", out _));
        var error = reply.GetProperty("error");
        Assert.Equal(kind, error.GetProperty("kind").GetString());
        Assert.StartsWith(messageStart, error.GetProperty("message").GetString());
        // Still serving: a well-formed request after the bad one is answered.
        await _toAgent.Writer.WriteAsync(Encoding.UTF8.GetBytes($$$"""{"id":99,"method":"hello","params":{"protocol":{{{AgentProtocol.Version}}}}}""" + "\n"));
        var next = JsonDocument.Parse(await ReadLineAsync(_fromAgent.Reader)).RootElement;
        Assert.Equal(99, next.GetProperty("id").GetInt64());
        Assert.Equal("9.9.9-test", next.GetProperty("result").GetProperty("facts").GetProperty("agent_version").GetString());
    }

    [Fact]
    public async Task The_wire_format_is_one_snake_case_json_object_per_line()
    {
        StartServer(new ScriptedHostAgent { State = new HostState([Sandbox]) });

        await _toAgent.Writer.WriteAsync(Encoding.UTF8.GetBytes(
            """{"id":1,"method":"observe","params":{"owner":"demo","namespaces":[],"host_links":[],"files":[],"sysctls":[]}}""" + "\n"));
        var line = await ReadLineAsync(_fromAgent.Reader);

        Assert.DoesNotContain('\n', line);
        var reply = JsonDocument.Parse(line).RootElement;
        var obj = reply.GetProperty("result").GetProperty("state").GetProperty("objects")[0];
        Assert.Equal("namespace", obj.GetProperty("type").GetString());
        Assert.Equal("web", obj.GetProperty("name").GetString());
        Assert.True(obj.GetProperty("loopback_up").GetBoolean());
    }

    private static async Task<string> ReadLineAsync(PipeReader reader)
    {
        while (true)
        {
            var read = await reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            var buffer = read.Buffer;
            if (buffer.PositionOf((byte)'\n') is { } end)
            {
                var line = Encoding.UTF8.GetString(buffer.Slice(0, end));
                reader.AdvanceTo(buffer.GetPosition(1, end));
                return line;
            }
            if (read.IsCompleted) throw new EndOfStreamException();
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
