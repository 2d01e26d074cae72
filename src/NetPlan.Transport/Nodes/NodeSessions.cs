using System.Collections.Concurrent;
using NetPlan.Core.State;
using NetPlan.Core.Topology;

namespace NetPlan.Transport.Nodes;

/// <summary>
/// One agent session per node for the whole command: observe, plan and apply all talk to the same
/// session (for SSH: one long-lived <c>netplan-agent serve</c>). Disposing ends every session.
/// </summary>
public sealed class NodeSessions(NodeConnector connector) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<IHostAgent>>> _agents = new();

    /// <summary>The node's agent, connecting on first use. A node that failed to connect keeps failing the same way for this command.</summary>
    public Task<IHostAgent> GetAsync(Node node, CancellationToken cancellationToken = default) =>
        _agents.GetOrAdd(node.Name, _ => new Lazy<Task<IHostAgent>>(
            () => connector.ConnectAsync(node, cancellationToken).AsTask(), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    public async ValueTask DisposeAsync()
    {
        var open = _agents.Values.Where(a => a.IsValueCreated).Select(a => a.Value).ToList();
        _agents.Clear();
        await Task.WhenAll(open.Select(async connecting =>
        {
            IHostAgent agent;
            try { agent = await connecting.ConfigureAwait(false); }
            catch { return; } // never connected: nothing to close; the failure was reported where it happened
            await agent.DisposeAsync().ConfigureAwait(false);
        })).ConfigureAwait(false);
    }
}
