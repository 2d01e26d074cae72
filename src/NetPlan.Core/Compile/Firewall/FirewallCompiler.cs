using System.Net;
using System.Net.Sockets;
using NetPlan.Core.Diagnostics;
using NetPlan.Core.Planning;
using NetPlan.Core.State;
using NetPlan.Core.Language;
using static NetPlan.Core.Compile.DesiredStateCompiler;
using static NetPlan.Core.Compile.Firewall.NftText;

namespace NetPlan.Core.Compile.Firewall;

/// <summary>
/// A node's firewall: one <c>inet netplan-&lt;topology&gt;</c> table with published ports (DNAT),
/// egress masquerade, isolation between networks and <c>internal</c> networks, plus the sysctls
/// it relies on (IP forwarding; <c>route_localnet</c> on bridges reached through 127.0.0.1).
/// Chains sit at the hooks and priorities Docker's nftables backend uses; docs/firewall.md
/// explains every rule. Pure: the same topology and addresses give the same table, byte for byte.
/// </summary>
internal sealed class FirewallCompiler(TopologyContext context, Node node, IReadOnlyCollection<string> networksHere)
{
    public const string RawPrerouting = "raw-prerouting", Prerouting = "prerouting", Output = "output",
        Forward = "forward", Input = "input", Postrouting = "postrouting";

    /// <summary>Hook priorities as nft names them: raw -300, dstnat -100, filter 0, srcnat 100.</summary>
    public static readonly IReadOnlyList<FirewallChain> Chains =
    [
        new(RawPrerouting, "filter", "prerouting", -300),
        new(Prerouting, "nat", "prerouting", -100),
        new(Output, "nat", "output", -100),
        new(Forward, "filter", "forward", 0),
        new(Input, "filter", "input", 0),
        new(Postrouting, "nat", "postrouting", 100),
    ];

    private readonly List<FirewallRule> _raw = [], _prerouting = [], _output = [], _forward = [], _input = [], _postrouting = [];
    private string Topology => context.Topology.Name;

    /// <summary>Adds the table and its sysctls to <paramref name="host"/>; nothing when the node has no bridge or overlay network.</summary>
    public void Compile(DesiredHostBuilder host)
    {
        var networks = context.Topology.Networks
            .Where(n => n.Driver is Driver.Bridge or Driver.Overlay && networksHere.Contains(n.Name))
            .ToList();
        if (networks.Count == 0) return;

        var published = PublishedPorts(networks);
        var targetNetworks = published.Select(p => p.Network).Distinct().ToList();

        _forward.Add(new(Forward, Rule(EstablishedOrRelated, Accept), $"{Topology}: replies and related traffic"));
        foreach (var network in networks.Where(n => n.Internal)) Internal(network);
        if (published.Count > 0)
        {
            _forward.Add(new(Forward, Rule(Dnatted, Accept), $"{Topology}: published ports"));
            _raw.Add(new(RawPrerouting, Rule(Iif("lo", not: true), Daddr("127.0.0.0/8"), Drop),
                $"{Topology}: loopback addresses only from the node itself"));
        }
        foreach (var network in networks.Where(n => !n.Internal)) Isolate(network, networks);
        foreach (var target in published) Publish(target);
        foreach (var network in targetNetworks) Hairpin(network);
        foreach (var network in networks.Where(n => n.Masquerade && !n.Internal)) Egress(network);

        var rules = _raw.Concat(_prerouting).Concat(_output).Concat(_forward).Concat(_input).Concat(_postrouting).ToList();
        var table = Ownership.FirewallTableName(Topology);
        host.Add(new FirewallTableObject("inet", table) { Owner = context.Owner, Chains = Chains, Rules = rules }, node.At);
        if (NoIcc(networks) is { Count: > 0 } bridged)
            host.Add(new FirewallTableObject("bridge", table) { Owner = context.Owner, Chains = BridgeChains, Rules = bridged }, node.At);

        // Forwarding is host-wide, so it is in the plan for the operator to see; an internal-only
        // node forwards nothing and leaves it alone.
        if (networks.Any(n => !n.Internal))
            host.Add(new SysctlObject("", "net.ipv4.ip_forward", "1") { Owner = context.Owner }, node.At);
        foreach (var network in targetNetworks)
            host.Add(new SysctlObject("", RouteLocalnet(context.Names.Bridge(network.Name)), "1") { Owner = context.Owner }, network.At);
    }

    public static readonly IReadOnlyList<FirewallChain> BridgeChains = [new(Forward, "filter", "forward", -200)];

    /// <summary>
    /// <c>icc: false</c>: frames one sandbox's port sends to another port of the bridge are dropped
    /// in a <c>bridge</c>-family table (the inet hooks never see bridged frames). Frames to the
    /// bridge itself (the gateway, published ports, the way out) are not forwarded, so they pass.
    /// Per port rather than per bridge because this kernel refuses <c>meta ibrname</c>.
    /// </summary>
    private List<FirewallRule> NoIcc(List<Network> networks)
    {
        var rules = new List<FirewallRule>();
        foreach (var network in networks.Where(n => !n.Icc))
            foreach (var sandbox in context.Topology.Sandboxes.Where(s => s.Node == node.Name))
                if (sandbox.Endpoints.Any(e => e.Network == network.Name))
                    rules.Add(new(Forward, Rule(Iif(context.Names.Veth(sandbox.Name, network.Name)), Drop),
                        $"{Topology}/network {network.Name}: icc false ({sandbox.Name})"));
        return rules;
    }

    /// <summary>The sysctl that lets a bridge carry packets DNATed from 127.0.0.1 (the kernel drops loopback sources on other devices).</summary>
    public static string RouteLocalnet(string bridge) => $"net.ipv4.conf.{bridge}.route_localnet";

    /// <summary>A published port mapping, resolved to the sandbox address it leads to.</summary>
    private sealed record Target(Sandbox Sandbox, PortMapping Port, Network Network, IPAddress Address);

    private List<Target> PublishedPorts(List<Network> networks)
    {
        var result = new List<Target>();
        foreach (var sandbox in context.Topology.Sandboxes.Where(s => s.Node == node.Name && s.Ports.Count > 0))
        {
            // Like Docker: ports lead to the sandbox's address on its first network that has a way in.
            var endpoint = sandbox.Endpoints
                .Select(e => (Endpoint: e, Network: networks.FirstOrDefault(n => n.Name == e.Network && !n.Internal)))
                .FirstOrDefault(x => x.Network is not null && context.AddressOf(sandbox, x.Endpoint) is not null);
            if (endpoint.Network is null)
            {
                context.Errors.Add(new Diagnostic(Severity.Error, PlanCodes.PortsWithoutTarget,
                    $"sandbox '{sandbox.Name}' publishes ports, but none of its networks on node '{node.Name}' is a non-internal bridge or overlay network they could lead to",
                    sandbox.Ports[0].At));
                continue;
            }
            var address = context.AddressOf(sandbox, endpoint.Endpoint)!;
            foreach (var port in sandbox.Ports)
            {
                if (port.HostIp is { AddressFamily: not AddressFamily.InterNetwork })
                {
                    context.Errors.Add(new Diagnostic(Severity.Error, PlanCodes.UnsupportedAddressFamily,
                        $"sandbox '{sandbox.Name}': host_ip {port.HostIp} is not IPv4; published ports are IPv4 only", port.At));
                    continue;
                }
                result.Add(new Target(sandbox, port, endpoint.Network!, address));
            }
        }
        return result;
    }

    /// <summary>
    /// <c>internal: true</c>: nothing is forwarded into or out of the bridge, and the sandboxes reach
    /// none of the node's addresses but their gateway (Docker's DOCKER-INTERNAL, plus the node).
    /// </summary>
    private void Internal(Network network)
    {
        var bridge = context.Names.Bridge(network.Name);
        var comment = $"{Topology}/network {network.Name}: internal";
        _forward.Add(new(Forward, Rule(Iif(bridge), Oif(bridge, not: true), Drop), comment));
        _forward.Add(new(Forward, Rule(Oif(bridge), Iif(bridge, not: true), Drop), comment));
        var hasGateway = network.Driver == Driver.Bridge; // an internal overlay has no gateway at all
        _input.Add(new(Input, hasGateway ? Rule(Iif(bridge), Daddr(network.Gateway.ToString(), not: true), Drop) : Rule(Iif(bridge), Drop), comment));
    }

    /// <summary>
    /// Nothing reaches a network's sandboxes by routing except replies, related traffic and published
    /// ports (accepted above): not the other networks, and — in NAT mode — not the outside, neither
    /// in forward nor by addressing a sandbox directly from the link (raw, before DNAT; moby#45610).
    /// A <c>masquerade: false</c> network is routed on purpose, so only the other networks are kept out.
    /// </summary>
    private void Isolate(Network network, List<Network> networks)
    {
        var bridge = context.Names.Bridge(network.Name);
        var comment = $"{Topology}/network {network.Name}: isolation";
        if (network.Masquerade)
        {
            _raw.Add(new(RawPrerouting, Rule(Iif(bridge, not: true), Daddr(Prefix(network.Subnet)), Drop),
                $"{Topology}/network {network.Name}: no direct access from outside"));
            _forward.Add(new(Forward, Rule(Oif(bridge), Iif(bridge, not: true), Drop), comment));
            return;
        }
        foreach (var other in networks.Where(n => n != network))
            _forward.Add(new(Forward, Rule(Iif(context.Names.Bridge(other.Name)), Oif(bridge), Drop), comment));
    }

    /// <summary>
    /// DNAT of a published port: from other machines (prerouting) and from the node itself
    /// (output), to any local address, or only to <c>host_ip</c>. A port bound to a loopback
    /// address is DNATed in output only, so it never answers anyone but the node.
    /// </summary>
    private void Publish(Target target)
    {
        var port = target.Port;
        var comment = $"{Topology}/sandbox {target.Sandbox.Name}: port {Span(port.HostStart, port.HostEnd)}/{Lower(port.Protocol)}";
        var destination = port.HostIp is { } ip ? Daddr(ip.ToString()) : DaddrIsLocal;
        var loopbackOnly = port.HostIp is { } bound && IPAddress.IsLoopback(bound);
        foreach (var (match, action) in Dnats(target))
        {
            var text = Rule(destination, match, action);
            if (!loopbackOnly) _prerouting.Add(new(Prerouting, text, comment));
            _output.Add(new(Output, text, comment));
        }
    }

    /// <summary>
    /// A range mapped onto the same ports keeps the port (one rule); otherwise each host port gets
    /// its own rule, since a NAT port range picks any port in it rather than the matching one.
    /// </summary>
    private static IEnumerable<(string Match, string Action)> Dnats(Target target)
    {
        var p = target.Port;
        if (p.HostStart == p.TargetStart && p.HostEnd == p.TargetEnd)
        {
            yield return (Dport(p.Protocol, p.HostStart, p.HostEnd), Dnat(target.Address, p.HostStart == p.HostEnd ? p.TargetStart : null));
            yield break;
        }
        for (var offset = 0; offset <= p.HostEnd - p.HostStart; offset++)
            yield return (Dport(p.Protocol, p.HostStart + offset, p.HostStart + offset), Dnat(target.Address, p.TargetStart + offset));
    }

    /// <summary>
    /// Replies must come back through the node: a sandbox reaching a published port of a sibling on
    /// its own bridge, and the node reaching one through 127.0.0.1, are masqueraded to the gateway.
    /// </summary>
    private void Hairpin(Network network)
    {
        var bridge = context.Names.Bridge(network.Name);
        _postrouting.Add(new(Postrouting, Rule(Oif(bridge), Saddr("127.0.0.0/8"), Masquerade),
            $"{Topology}/network {network.Name}: published ports via 127.0.0.1"));
        _postrouting.Add(new(Postrouting, Rule(Oif(bridge), Saddr(Prefix(network.Subnet)), Dnatted, Masquerade),
            $"{Topology}/network {network.Name}: hairpin"));
    }

    private void Egress(Network network)
    {
        var bridge = context.Names.Bridge(network.Name);
        _postrouting.Add(new(Postrouting, Rule(Saddr(Prefix(network.Subnet)), Oif(bridge, not: true), Masquerade),
            $"{Topology}/network {network.Name}: egress"));
    }

    private static string Span(int first, int last) => first == last ? $"{first}" : $"{first}-{last}";
}
