using NetPlan.Core.Language;

namespace NetPlan.Core.Compile;

/// <summary>
/// Which nodes can still be planned when some nodes cannot be observed (unreachable, failed).
/// A node's desired state depends on other nodes only through the networks they both carry: IPAM
/// runs per network over the addresses held on that network's nodes, overlay FDB and neighbour
/// entries list the endpoints of the same network elsewhere, and hosts files name the peers on
/// shared networks. Kernel names and VNIs are derived from the whole topology, which is always
/// complete. So a node that carries no network any missing node carries compiles exactly as it
/// would with every node observed; a node that does is held back, because what it should hold
/// (an address, a remote endpoint) could depend on the node nobody could look at.
/// </summary>
public static class IndependentNodes
{
    /// <summary>Each observed node that must not be planned without the missing ones, with the reason.</summary>
    public static IReadOnlyDictionary<string, string> HeldBack(Topology topology, IReadOnlyCollection<string> missing)
    {
        var heldBack = new Dictionary<string, string>(StringComparer.Ordinal);
        if (missing.Count == 0) return heldBack;
        var placement = new NetworkPlacement(topology);
        foreach (var network in topology.Networks)
        {
            var nodes = placement.NodesOf(network);
            if (nodes.FirstOrDefault(missing.Contains) is not { } absent) continue;
            foreach (var node in nodes.Where(n => !missing.Contains(n)))
                heldBack.TryAdd(node, $"network '{network.Name}' also spans node '{absent}', which could not be observed");
        }
        return heldBack;
    }
}
