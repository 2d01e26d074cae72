using System.Net;
using NetPlan.Core.State;
using NetPlan.Core.Language;

namespace NetPlan.Core.Ipam;

/// <summary>
/// The addresses endpoints hold right now, read from the observed state: the owned addresses on the
/// sandbox's interface. IPAM lets an endpoint keep one of them, so allocation is stable across plans.
/// </summary>
public sealed class HeldAddresses
{
    private readonly Dictionary<(string Sandbox, string Interface), List<IPAddress>> _held = new();

    public static readonly HeldAddresses None = new();

    /// <summary>
    /// Reads the addresses held by the topology's sandboxes on any node, so a sandbox moved to
    /// another node keeps its address too (sandbox names are unique within a topology).
    /// </summary>
    public static HeldAddresses From(Topology topology, IReadOnlyDictionary<string, HostState> observedByNode)
    {
        var held = new HeldAddresses();
        var sandboxes = topology.Sandboxes.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var state in observedByNode.Values)
        {
            foreach (var address in state.Objects.OfType<AddressObject>())
            {
                if (address.Owner != topology.Name || !sandboxes.Contains(address.Namespace)) continue;
                if (Ipv4.ParseAddressPart(address.Cidr) is not { } ip) continue;
                var key = (address.Namespace, address.Link);
                if (!held._held.TryGetValue(key, out var list)) held._held[key] = list = [];
                list.Add(ip);
            }
        }
        foreach (var list in held._held.Values)
            list.Sort((a, b) => Ipv4.IsV4(a) && Ipv4.IsV4(b) ? Ipv4.ToUInt(a).CompareTo(Ipv4.ToUInt(b)) : 0);
        return held;
    }

    /// <summary>The addresses on a sandbox's interface, lowest first.</summary>
    public IReadOnlyList<IPAddress> For(Sandbox sandbox, Endpoint endpoint) =>
        _held.TryGetValue((sandbox.Name, endpoint.InterfaceName), out var list) ? list : [];
}
