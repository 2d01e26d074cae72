using NetPlan.Core.Language;
using NetPlan.Core.Compile;
using NetPlan.Core.Diagnostics;
using NetPlan.Core.State;

namespace NetPlan.Core.Planning;

/// <summary>
/// The outcome of planning. When <see cref="Errors"/> is not empty the plan must not be applied, and
/// <see cref="Hosts"/> and <see cref="Desired"/> are empty: a partial desired state would read as
/// deletions of everything the failing part describes.
/// </summary>
public sealed record PlanResult(
    IReadOnlyList<HostPlan> Hosts,
    IReadOnlyList<Diagnostic> Errors,
    IReadOnlyDictionary<string, HostState> Desired)
{
    public bool HasErrors => Errors.Count > 0;
    public PlanSummary Summary => PlanSummary.Of(Hosts);
    public bool HasChanges => !Summary.IsEmpty;
}

/// <summary>Topology + observations → per-node ordered operations. Pure: no I/O.</summary>
public static class Planner
{
    /// <summary>What to observe on a node before planning; needs no observation.</summary>
    public static ObserveScope ScopeFor(Topology topology, string node) => ObserveScopes.For(topology, node);

    /// <summary>Plans every node of the topology against what was observed there.</summary>
    /// <param name="only">
    /// Plan just these nodes, when the others could not be observed; the caller keeps it to nodes
    /// <see cref="IndependentNodes"/> does not hold back, so their plans are what a full run would make. Null: every node.
    /// </param>
    public static PlanResult Plan(Topology topology, IReadOnlyDictionary<string, Observation> observedByNode,
        IReadOnlySet<string>? only = null)
    {
        // Fingerprints hash what was observed (17 MB of hosts files with 1000 sandboxes): they are
        // worked out on other threads while the desired state is compiled and diffed.
        var fingerprints = observedByNode
            .Where(kv => only is null || only.Contains(kv.Key))
            .ToDictionary(kv => kv.Key, kv => Task.Run(() => Fingerprint.Of(kv.Value.State)), StringComparer.Ordinal);
        var compiled = DesiredStateCompiler.Compile(topology, observedByNode, only);
        var errors = new List<Diagnostic>(compiled.Errors);
        var hosts = new List<HostPlan>();
        // Nodes that compiled are diffed even when others failed, so conflicts are reported in the same run.
        foreach (var node in topology.Nodes.Where(n => only is null || only.Contains(n.Name)))
        {
            if (!compiled.Hosts.TryGetValue(node.Name, out var desired)) continue;
            var observed = observedByNode[node.Name].State;
            var diff = Differ.Diff(topology.Name, node.Name, desired.State, observed, desired.Origins);
            errors.AddRange(diff.Errors);
            hosts.Add(new HostPlan(node.Name, diff.Operations, fingerprints[node.Name].GetAwaiter().GetResult()));
        }
        if (errors.Count > 0) return Failed(errors);
        return new PlanResult(hosts, [], compiled.Hosts.ToDictionary(kv => kv.Key, kv => kv.Value.State));
    }

    /// <summary>Removes everything the topology owns on its nodes, and nothing else.</summary>
    public static PlanResult PlanDestroy(Topology topology, IReadOnlyDictionary<string, Observation> observedByNode)
    {
        var missing = topology.Nodes.Where(n => !observedByNode.ContainsKey(n.Name))
            .Select(n => new Diagnostic(Severity.Error, PlanCodes.NodeNotObserved,
                $"node '{n.Name}' was not observed, so it cannot be planned", n.At))
            .ToList();
        if (missing.Count > 0) return Failed(missing);
        return PlanDestroy(topology.Name, topology.Nodes.Select(n => (n.Name, observedByNode[n.Name].State)));
    }

    /// <summary>The destroy plan from observations alone, in the given node order.</summary>
    public static PlanResult PlanDestroy(string topology, IEnumerable<(string Node, HostState Observed)> observed)
    {
        var hosts = new List<HostPlan>();
        var desired = new Dictionary<string, HostState>(StringComparer.Ordinal);
        foreach (var (node, state) in observed)
        {
            // Desired is empty, so no key can be held by a foreign object: a destroy has no conflicts.
            var diff = Differ.Diff(topology, node, HostState.Empty, state);
            hosts.Add(new HostPlan(node, diff.Operations, Fingerprint.Of(state)));
            desired[node] = HostState.Empty;
        }
        return new PlanResult(hosts, [], desired);
    }

    private static PlanResult Failed(IReadOnlyList<Diagnostic> errors) =>
        new([], errors, new Dictionary<string, HostState>());
}
