using System.Net;
using NetPlan.Core.Diagnostics;
using NetPlan.Core.Planning;
using NetPlan.Core.Language;

namespace NetPlan.Core.Ipam;

/// <summary>An endpoint is identified by its sandbox and network (a sandbox joins a network once).</summary>
public readonly record struct EndpointId(string Sandbox, string Network);

/// <summary>The address of every endpoint, or the reasons some could not get one.</summary>
public sealed record IpamResult(IReadOnlyDictionary<EndpointId, IPAddress> Addresses, IReadOnlyList<Diagnostic> Errors);

/// <summary>
/// Hands out IPv4 addresses per network, across every node the network spans. Deterministic and
/// stable: static addresses first; then each dynamic endpoint keeps a valid address it already holds
/// (declared order decides between two claimants); then the rest get the lowest free address of the
/// network's ip_range, in declared order. Never handed out: the subnet's network and broadcast
/// addresses, the gateway, aux addresses and any static address of the network.
/// </summary>
public static class AddressAllocator
{
    public static IpamResult Allocate(Topology topology, HeldAddresses held)
    {
        var addresses = new Dictionary<EndpointId, IPAddress>();
        var errors = new List<Diagnostic>();
        foreach (var network in topology.Networks)
            AllocateNetwork(topology, network, held, addresses, errors);
        return new IpamResult(addresses, errors);
    }

    private static void AllocateNetwork(
        Topology topology, Network network, HeldAddresses held,
        Dictionary<EndpointId, IPAddress> addresses, List<Diagnostic> errors)
    {
        var members = topology.Sandboxes
            .SelectMany(s => s.Endpoints.Where(e => e.Network == network.Name).Select(e => (Sandbox: s, Endpoint: e)))
            .ToList();
        if (members.Count == 0) return;

        if (!Ipv4.IsV4(network.Subnet.BaseAddress))
        {
            errors.Add(new Diagnostic(Severity.Error, PlanCodes.UnsupportedAddressFamily,
                $"network '{network.Name}': subnet {network.Subnet} is not IPv4; NetPlan allocates IPv4 addresses only", network.At));
            return;
        }

        var (subnetFirst, subnetLast) = Ipv4.Bounds(network.Subnet);
        var taken = new HashSet<uint> { Ipv4.ToUInt(network.Gateway) };
        // /31 and /32 have no network or broadcast address (RFC 3021).
        if (network.Subnet.PrefixLength < 31) { taken.Add(subnetFirst); taken.Add(subnetLast); }
        foreach (var aux in network.AuxAddresses.Values) taken.Add(Ipv4.ToUInt(aux));

        var staticOwners = new Dictionary<uint, string>();
        foreach (var (sandbox, endpoint) in members)
        {
            if (endpoint.Ipv4Address is not { } fixedAddress) continue;
            var value = Ipv4.ToUInt(fixedAddress);
            if (staticOwners.TryGetValue(value, out var other))
            {
                errors.Add(new Diagnostic(Severity.Error, PlanCodes.DuplicateAddress,
                    $"network '{network.Name}': address {fixedAddress} is given to both sandbox '{other}' and sandbox '{sandbox.Name}'", endpoint.At));
                continue;
            }
            staticOwners[value] = sandbox.Name;
            taken.Add(value);
            addresses[new EndpointId(sandbox.Name, network.Name)] = fixedAddress;
        }

        var (rangeFirst, rangeLast) = Ipv4.Bounds(network.IpRange);
        var waiting = new List<(Sandbox Sandbox, Endpoint Endpoint)>();
        foreach (var (sandbox, endpoint) in members)
        {
            if (endpoint.Ipv4Address is not null) continue;
            var kept = held.For(sandbox, endpoint)
                .Where(Ipv4.IsV4)
                .Select(Ipv4.ToUInt)
                .Where(v => v >= rangeFirst && v <= rangeLast && v >= subnetFirst && v <= subnetLast && !taken.Contains(v))
                .Cast<uint?>()
                .FirstOrDefault();
            if (kept is { } value)
            {
                taken.Add(value);
                addresses[new EndpointId(sandbox.Name, network.Name)] = Ipv4.FromUInt(value);
            }
            else waiting.Add((sandbox, endpoint));
        }

        // Allocation is lowest-free in a fixed taken set that only grows upwards from the cursor,
        // so one forward walk serves every new endpoint (no quadratic rescans on big ranges).
        var first = Math.Max(rangeFirst, subnetFirst);
        var last = Math.Min(rangeLast, subnetLast);
        ulong cursor = first;
        var unserved = new List<string>();
        foreach (var (sandbox, endpoint) in waiting)
        {
            while (cursor <= last && taken.Contains((uint)cursor)) cursor++;
            if (cursor > last) { unserved.Add(sandbox.Name); continue; }
            taken.Add((uint)cursor);
            addresses[new EndpointId(sandbox.Name, network.Name)] = Ipv4.FromUInt((uint)cursor);
        }
        if (unserved.Count > 0)
        {
            var names = string.Join(", ", unserved.Take(5).Select(n => $"'{n}'")) + (unserved.Count > 5 ? ", …" : "");
            errors.Add(new Diagnostic(Severity.Error, PlanCodes.AddressesExhausted,
                $"network '{network.Name}' has no free address left in ip_range {network.IpRange}: {unserved.Count} endpoint(s) need one ({names})", network.At));
        }
    }
}
