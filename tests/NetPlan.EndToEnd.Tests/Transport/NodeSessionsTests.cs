using System.Net;
using NetPlan.Core.State;
using NetPlan.Core.Topology;
using NetPlan.EndToEnd.Tests.Protocol;
using NetPlan.Transport.Nodes;
using NetPlan.Transport.Ssh;

namespace NetPlan.EndToEnd.Tests.Transport;

public sealed class NodeSessionsTests
{
    private static Node Local(string name) =>
        new(name, IPAddress.Loopback, Connection.Local, new SshSettings(null, null, null, null, null, null, false), SourceSpan.None);

    [Fact]
    public async Task Each_node_connects_once_per_command_and_every_session_is_closed_at_the_end()
    {
        var made = new List<ScriptedHostAgent>();
        var connector = new NodeConnector(new SshAgentConnector(new SshOptions()), (node, _) =>
        {
            var agent = new ScriptedHostAgent();
            lock (made) made.Add(agent);
            return ValueTask.FromResult<IHostAgent>(agent);
        });
        var sessions = new NodeSessions(connector);

        var first = await sessions.GetAsync(Local("a"));
        var again = await sessions.GetAsync(Local("a"));
        var other = await sessions.GetAsync(Local("b"));
        await sessions.DisposeAsync();

        Assert.Same(first, again);
        Assert.NotSame(first, other);
        Assert.Equal(2, made.Count);
        Assert.All(made, a => Assert.True(a.Disposed));
    }

    [Fact]
    public async Task A_node_that_failed_to_connect_does_not_stop_the_others_from_closing()
    {
        var good = new ScriptedHostAgent();
        var connector = new NodeConnector(new SshAgentConnector(new SshOptions()), (node, _) =>
            node.Name == "bad" ? throw new InvalidOperationException("bad: cannot connect") : ValueTask.FromResult<IHostAgent>(good));
        var sessions = new NodeSessions(connector);

        await Assert.ThrowsAsync<InvalidOperationException>(() => sessions.GetAsync(Local("bad")));
        await sessions.GetAsync(Local("good"));
        await sessions.DisposeAsync();

        Assert.True(good.Disposed);
    }
}
