using NetPlan.Core.Planning;
using NetPlan.Core.State;
using NetPlan.Core.Language;
using NetPlan.Transport.Nodes;

namespace NetPlan.Cli.Engine;

/// <summary>
/// The agents of every node of one topology, for the length of one command. Nodes are reached,
/// observed and applied concurrently (bounded); a node that fails is that node's failure, named,
/// and never holds up the others.
/// </summary>
internal sealed partial class Fleet : IAsyncDisposable
{
    private readonly Dictionary<string, IHostAgent> _agents;
    private readonly int _parallelism;
    private readonly Progress _progress;

    private Fleet(Dictionary<string, IHostAgent> agents, int parallelism, Progress progress)
    {
        _agents = agents;
        _parallelism = parallelism;
        _progress = progress;
    }

    /// <summary>Connects to every node; returns the fleet and the nodes that could not be reached.</summary>
    public static async Task<(Fleet Fleet, IReadOnlyList<NodeFailure> Failures)> ConnectAsync(
        Topology topology, NodeConnector connector, int parallelism, Progress progress, CancellationToken ct)
    {
        var outcomes = await BoundedParallel.RunAsync(
            topology.Nodes, n => n.Name, parallelism,
            async (node, token) => await connector.ConnectAsync(node, token),
            ct,
            outcome => progress.Node(outcome.Name, outcome.Succeeded ? "connected" : "unreachable"));
        var agents = outcomes.Where(o => o.Succeeded).ToDictionary(o => o.Name, o => o.Value!);
        return (new Fleet(agents, parallelism, progress), Failures(outcomes));
    }

    /// <summary>Observes every connected node within what the topology needs there.</summary>
    public async Task<(Dictionary<string, Observation> Observed, IReadOnlyList<NodeFailure> Failures)> ObserveAsync(
        Func<string, ObserveScope> scopeFor, CancellationToken ct)
    {
        var outcomes = await BoundedParallel.RunAsync(
            _agents.Keys.ToList(), n => n, _parallelism,
            (node, token) => _agents[node].ObserveAsync(scopeFor(node), token),
            ct,
            outcome => _progress.Node(outcome.Name, outcome.Succeeded ? "observed" : "observation failed"));
        return (outcomes.Where(o => o.Succeeded).ToDictionary(o => o.Name, o => o.Value!), Failures(outcomes));
    }

    /// <summary>Applies each node's operations on that node; nodes without operations are not contacted.</summary>
    public async Task<IReadOnlyList<NodeFailure>> ApplyAsync(IReadOnlyList<HostPlan> plans, OnFailure onFailure, CancellationToken ct)
    {
        var work = plans.Where(p => p.Operations.Count > 0).ToList();
        var outcomes = await BoundedParallel.RunAsync(
            work, p => p.Node, _parallelism,
            (plan, token) => _agents[plan.Node].ApplyAsync(plan.Operations, onFailure, token),
            ct,
            outcome => _progress.Node(outcome.Name, outcome.Succeeded ? $"applied {outcome.Value!.Executed} operations" : "apply failed"));
        return Failures(outcomes);
    }

    private static IReadOnlyList<NodeFailure> Failures<T>(IEnumerable<NodeOutcome<T>> outcomes) =>
        outcomes.Where(o => !o.Succeeded).Select(o => new NodeFailure(o.Name, o.Error!)).ToList();

    public async ValueTask DisposeAsync()
    {
        await ReleaseLocksAsync();
        foreach (var agent in _agents.Values)
        {
            try { await agent.DisposeAsync(); }
            catch (Exception e) { _progress.Warn($"closing an agent: {e.Message}"); }
        }
    }
}

/// <summary>A node whose step failed, and why (the exception's message names the object and the kernel's words).</summary>
internal sealed record NodeFailure(string Node, Exception Error)
{
    public override string ToString() => $"node '{Node}': {Error.Message}";
}
