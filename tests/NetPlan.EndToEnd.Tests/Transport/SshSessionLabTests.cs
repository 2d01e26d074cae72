using NetPlan.Agent.Protocol;
using NetPlan.Core.Planning;
using NetPlan.Core.State;
using NetPlan.EndToEnd.Tests.Lab;
using NetPlan.Tests;
using NetPlan.Transport.Agents;
using NetPlan.Transport.Nodes;
using NetPlan.Transport.Ssh;

namespace NetPlan.EndToEnd.Tests.Transport;

/// <summary>
/// The long-lived agent session over real SSH: ship, start with the fixed argv, talk JSON lines,
/// hang up. The agent at the far end is a protocol-level test double (scripted-agent.py), so this
/// tests the transport, not the kernel agent.
/// </summary>
[Collection(SshLabCollection.Name)]
public sealed class SshSessionLabTests(SshLabFixture fixture)
{
    private static AgentBinary ScriptedAgent => AgentBinary.FromFile(Path.Combine(AppContext.BaseDirectory, "Transport", "scripted-agent.py"));

    private static Operation CreateSandbox(string name) => new(ChangeAction.Create, null, new NamespaceObject(name) { Owner = "demo" });

    [SkippableFact]
    public async Task A_session_ships_the_agent_says_hello_and_serves_calls_on_the_right_host()
    {
        Privileged.Require();
        var lab = await fixture.LabAsync();
        var host = lab.Hosts[1];
        await host.ExecCheckAsync("rm", "-rf", RemoteCommand.AgentRoot);
        var connector = new NodeConnector(new SshAgentConnector(lab.SshOptions, () => ScriptedAgent),
            (node, _) => throw new InvalidOperationException($"{node.Name} is not local"));

        await using var agent = await connector.ConnectAsync(host.Node());
        var session = Assert.IsType<SshHostAgent>(agent);
        var facts = await agent.HelloAsync();
        var observation = await agent.ObserveAsync(new ObserveScope("demo", [], [], [], []));
        var applied = await agent.ApplyAsync([CreateSandbox("web"), CreateSandbox("db")]);

        Assert.Equal(AgentShipping.Uploaded, session.Shipping);
        Assert.Equal(host.Name, session.Node);
        Assert.Equal("scripted", facts.AgentVersion);
        Assert.Equal([$"{host.Address}/24"], facts.Interfaces.Single().Addresses);
        Assert.Empty(observation.State.Objects);
        Assert.Equal(2, applied.Executed);
        // The next session finds the same build there and starts it without shipping.
        await using var next = await connector.ConnectAsync(host.Node());
        Assert.Equal(AgentShipping.AlreadyPresent, Assert.IsType<SshHostAgent>(next).Shipping);
    }

    [SkippableFact]
    public async Task A_damaged_agent_is_never_started_it_is_shipped_again_first()
    {
        Privileged.Require();
        var lab = await fixture.LabAsync();
        var host = lab.Hosts[2];
        var ssh = new SshAgentConnector(lab.SshOptions, () => ScriptedAgent);
        await ssh.EnsureAgentAsync(host.Node());
        // Same size, different content: only the digest can tell.
        await host.ExecCheckAsync("sed", "-i", "s/scripted/tampered/", RemoteCommand.AgentPath(ScriptedAgent.Sha256));

        await using var agent = await ssh.ConnectAsync(host.Node());

        Assert.Equal(AgentShipping.Uploaded, agent.Shipping);
        Assert.Equal("scripted", (await agent.HelloAsync()).AgentVersion);
    }

    [SkippableFact]
    public async Task A_refused_operation_on_the_node_arrives_as_ApplyException_with_its_index()
    {
        Privileged.Require();
        var lab = await fixture.LabAsync();
        await using var agent = await new SshAgentConnector(lab.SshOptions, () => ScriptedAgent).ConnectAsync(lab.Hosts[0].Node());
        var plan = new[] { CreateSandbox("web"), CreateSandbox("refused"), CreateSandbox("db") };

        var ex = await Assert.ThrowsAsync<ApplyException>(() => agent.ApplyAsync(plan));

        Assert.Equal(1, ex.Index);
        Assert.Same(plan[1], ex.Operation);
        Assert.Equal("netns:refused: File exists", ex.Message);
        // The session survives a refused operation.
        Assert.Equal(1, (await agent.ApplyAsync([CreateSandbox("web")])).Executed);
    }

    [SkippableFact]
    public async Task An_agent_dying_mid_session_fails_the_call_with_sshs_exit_code_and_the_agents_last_words_and_is_not_retried()
    {
        Privileged.Require();
        var lab = await fixture.LabAsync();
        var retries = new List<ConnectRetry>();
        await using var agent = await new SshAgentConnector(lab.SshOptions, () => ScriptedAgent, retries.Add).ConnectAsync(lab.Hosts[0].Node());

        var ex = await Assert.ThrowsAsync<AgentConnectionLostException>(() => agent.ApplyAsync([CreateSandbox("crash")]));

        Assert.Equal($"the agent on {lab.Hosts[0].Name} hung up: ssh exited with code 3: scripted agent: crashing on purpose", ex.Message);
        Assert.Empty(retries);
        await Assert.ThrowsAsync<AgentConnectionLostException>(() => agent.HelloAsync());
    }

    [SkippableFact]
    public async Task Closing_the_session_ends_the_agent_on_the_node()
    {
        Privileged.Require();
        var lab = await fixture.LabAsync();
        var host = lab.Hosts[2];
        var agent = await new SshAgentConnector(lab.SshOptions, () => ScriptedAgent).ConnectAsync(host.Node());
        var digest = ScriptedAgent.Sha256;
        Assert.Equal(0, (await host.ExecAsync("pgrep", "-f", digest)).ExitCode);

        await agent.DisposeAsync();

        for (var i = 0; i < 50 && (await host.ExecAsync("pgrep", "-f", digest)).ExitCode == 0; i++) await Task.Delay(100);
        Assert.Equal(1, (await host.ExecAsync("pgrep", "-f", digest)).ExitCode);
    }
}
