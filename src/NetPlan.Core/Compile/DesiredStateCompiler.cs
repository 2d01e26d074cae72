using NetPlan.Core.Names;
using System.Net;
using NetPlan.Core.Diagnostics;
using NetPlan.Core.Ipam;
using NetPlan.Core.Naming;
using NetPlan.Core.Planning;
using NetPlan.Core.State;
using NetPlan.Core.Language;

namespace NetPlan.Core.Compile;

/// <summary>
/// Compiles a validated topology into the kernel objects each node must hold. Pure: the observed
/// state is read only for IPAM stability and the facts only for kernel capabilities, underlay MTU and
/// macvlan/ipvlan parents.
/// </summary>
public static class DesiredStateCompiler
{
    /// <summary>VXLAN over IPv4 adds 50 bytes: outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8.</summary>
    public const int VxlanOverhead = 50;
    public const int VxlanPort = 4789;
    public const int DefaultBridgeMtu = 1500;

    /// <param name="only">Compile just these nodes (a run in which the others could not be observed; see <see cref="IndependentNodes"/>); null: every node.</param>
    public static CompileResult Compile(Topology topology, IReadOnlyDictionary<string, Observation> observedByNode,
        IReadOnlySet<string>? only = null)
    {
        var errors = new List<Diagnostic>();
        foreach (var service in topology.Services)
            errors.Add(new Diagnostic(Severity.Error, PlanCodes.ServicesNotBuilt,
                $"service '{service.Name}': load-balanced services are not built by this version of NetPlan; remove it to plan the rest", service.At));
        var context = new TopologyContext(topology, observedByNode, errors);
        var hosts = new Dictionary<string, DesiredHost>(StringComparer.Ordinal);
        foreach (var node in topology.Nodes.Where(n => only is null || only.Contains(n.Name)))
        {
            if (!observedByNode.TryGetValue(node.Name, out var observation))
            {
                errors.Add(new Diagnostic(Severity.Error, PlanCodes.NodeNotObserved,
                    $"node '{node.Name}' was not observed, so it cannot be planned", node.At));
                continue;
            }
            var before = errors.Count;
            var host = new NodeCompiler(context, node, observation.Facts, ObservedFiles.Of(observation.State)).Compile();
            if (errors.Count == before) hosts[node.Name] = host;
        }
        return new CompileResult(hosts, errors);
    }

    /// <summary>What every node's compilation shares: names, VNIs, addresses.</summary>
    internal sealed class TopologyContext
    {
        public TopologyContext(Topology topology, IReadOnlyDictionary<string, Observation> observedByNode, List<Diagnostic> errors)
        {
            Topology = topology;
            Errors = errors;
            Names = NameTable.For(topology);
            Vnis = Naming.Vnis.Assign(topology);
            foreach (var duplicate in topology.Networks.Where(n => n.Vni is not null).GroupBy(n => n.Vni).Where(g => g.Count() > 1))
            {
                var list = duplicate.ToList();
                errors.Add(new Diagnostic(Severity.Error, PlanCodes.DuplicateVni,
                    $"overlay networks '{list[0].Name}' and '{list[1].Name}' both use VNI {duplicate.Key}", list[1].At));
            }
            var held = HeldAddresses.From(topology, observedByNode.ToDictionary(kv => kv.Key, kv => kv.Value.State));
            var ipam = AddressAllocator.Allocate(topology, held);
            errors.AddRange(ipam.Errors);
            Addresses = ipam.Addresses;
            Networks = topology.Networks.ToDictionary(n => n.Name);
            Placement = new NetworkPlacement(topology);
            NodesByName = topology.Nodes.ToDictionary(n => n.Name);
            Alias = Ownership.LinkAlias(topology.Name);
            Group = Ownership.LinkGroup(topology.Name);
        }

        public Topology Topology { get; }
        public List<Diagnostic> Errors { get; }
        public NameTable Names { get; }
        public IReadOnlyDictionary<string, uint> Vnis { get; }
        public IReadOnlyDictionary<EndpointId, IPAddress> Addresses { get; }
        public IReadOnlyDictionary<string, Network> Networks { get; }
        public NetworkPlacement Placement { get; }
        public IReadOnlyDictionary<string, Node> NodesByName { get; }
        public string Alias { get; }
        public uint Group { get; }
        public string Owner => Topology.Name;

        public string AliasFor(string detail) => Ownership.LinkAlias(Topology.Name, detail);

        public IPAddress? AddressOf(Sandbox sandbox, Endpoint endpoint) =>
            Addresses.TryGetValue(new EndpointId(sandbox.Name, endpoint.Network), out var ip) ? ip : null;

        /// <summary>The endpoint's MAC: the one written in the file, else derived from its address.</summary>
        public string MacOf(Endpoint endpoint, IPAddress address) =>
            endpoint.MacAddress is { } mac ? MacAddresses.Normalize(mac) : MacAddresses.FromIpv4(address);

        public string Cidr(IPAddress address, Network network) => $"{address}/{network.Subnet.PrefixLength}";
    }
}
