using NetPlan.Core.Language;

namespace NetPlan.Core.Compile;

/// <summary>
/// The nodes each network must be built on: those it names (or, without <c>nodes:</c>, those of its
/// sandboxes) plus any node where a sandbox attaches to it, so an endpoint is never left without
/// its network. In the topology's node order.
/// </summary>
internal sealed class NetworkPlacement
{
    private readonly Dictionary<string, IReadOnlyList<string>> _nodes = new(StringComparer.Ordinal);

    public NetworkPlacement(Topology topology)
    {
        foreach (var network in topology.Networks)
        {
            var wanted = topology.NodesOf(network).ToHashSet(StringComparer.Ordinal);
            foreach (var sandbox in topology.Sandboxes)
                if (sandbox.Endpoints.Any(e => e.Network == network.Name)) wanted.Add(sandbox.Node);
            _nodes[network.Name] = topology.Nodes.Select(n => n.Name).Where(wanted.Contains).ToList();
        }
    }

    public IReadOnlyList<string> NodesOf(Network network) => _nodes[network.Name];

    public bool IsOn(Network network, string node) => _nodes[network.Name].Contains(node);
}
