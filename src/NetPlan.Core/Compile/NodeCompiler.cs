using NetPlan.Core.Compile.Firewall;
using NetPlan.Core.Names;
using System.Net;
using NetPlan.Core.Diagnostics;
using NetPlan.Core.Ipam;
using NetPlan.Core.Naming;
using NetPlan.Core.Planning;
using NetPlan.Core.State;
using NetPlan.Core.Language;
using static NetPlan.Core.Compile.DesiredStateCompiler;

namespace NetPlan.Core.Compile;

/// <summary>One node's share of the topology: its networks' host devices, its sandboxes and their endpoints.</summary>
internal sealed class NodeCompiler(TopologyContext context, Node node, HostFacts facts, ObservedFiles observedFiles)
{
    private readonly DesiredHostBuilder _host = new();
    /// <summary>MTU per network usable on this node (null = leave it to the kernel); absent = the network failed a check here.</summary>
    private readonly Dictionary<string, int?> _mtu = new(StringComparer.Ordinal);

    private Topology Topology => context.Topology;

    /// <summary>Every network's peers, for the sandboxes' hosts files (built with the first sandbox).</summary>
    private NetworkPeers? _peers;

    public DesiredHost Compile()
    {
        var sandboxes = Topology.Sandboxes.Where(s => s.Node == node.Name).ToList();
        foreach (var network in Topology.Networks)
            if (context.Placement.IsOn(network, node.Name) && CheckNetwork(network, out var mtu))
                CompileNetwork(network, mtu);
        foreach (var sandbox in sandboxes)
            CompileSandbox(sandbox);
        new FirewallCompiler(context, node, _mtu.Keys).Compile(_host);
        return _host.Build();
    }

    // ---- checks against the node's facts ----------------------------------------------------

    /// <summary>True with the network's MTU on this node (null = the kernel's choice) when it can run here; else reports why.</summary>
    private bool CheckNetwork(Network network, out int? mtu)
    {
        mtu = null;
        foreach (var kind in KindsNeeded(network.Driver))
        {
            if (facts.SupportedLinkKinds.Contains(kind)) continue;
            return Fail(PlanCodes.LinkKindUnsupported, network,
                $"node '{node.Name}' cannot run network '{network.Name}' (driver {Lower(network.Driver)}): its kernel does not support {Lower(kind)} links");
        }

        switch (network.Driver)
        {
            case Driver.Bridge:
                mtu = network.Mtu ?? DefaultBridgeMtu;
                break;
            case Driver.Overlay:
                if (node.Address is null)
                    return Fail(PlanCodes.NodeAddressMissing, network,
                        $"node '{node.Name}' has no address, but overlay network '{network.Name}' needs one as its VXLAN endpoint");
                var underlay = facts.Interfaces.FirstOrDefault(i => i.Addresses.Any(a => node.Address.Equals(Ipam.Ipv4.ParseAddressPart(a))));
                if (underlay is null)
                    return Fail(PlanCodes.UnderlayNotFound, network,
                        $"node '{node.Name}': no interface holds its address {node.Address}, so the underlay MTU for overlay network '{network.Name}' is unknown");
                var limit = underlay.Mtu - VxlanOverhead;
                if (network.Mtu > limit)
                    return Fail(PlanCodes.MtuTooLarge, network,
                        $"overlay network '{network.Name}': mtu {network.Mtu} is larger than {limit} on node '{node.Name}' (underlay {underlay.Name} mtu {underlay.Mtu} − {VxlanOverhead} bytes of VXLAN overhead)");
                mtu = network.Mtu ?? limit;
                break;
            default: // macvlan, ipvlan
                var parent = facts.Interfaces.FirstOrDefault(i => i.Name == network.Parent);
                if (parent is null)
                    return Fail(PlanCodes.ParentMissing, network,
                        $"node '{node.Name}' has no interface '{network.Parent}', the parent of network '{network.Name}' (driver {Lower(network.Driver)})");
                if (network.Mtu > parent.Mtu)
                    return Fail(PlanCodes.MtuTooLarge, network,
                        $"network '{network.Name}': mtu {network.Mtu} is larger than the mtu {parent.Mtu} of its parent '{parent.Name}' on node '{node.Name}'");
                mtu = network.Mtu;
                break;
        }
        _mtu[network.Name] = mtu;
        return true;
    }

    private static IEnumerable<LinkKind> KindsNeeded(Driver driver) => driver switch
    {
        Driver.Bridge => [LinkKind.Bridge, LinkKind.Veth],
        Driver.Overlay => [LinkKind.Bridge, LinkKind.Vxlan, LinkKind.Veth],
        Driver.Macvlan => [LinkKind.Macvlan],
        Driver.Ipvlan => [LinkKind.Ipvlan],
        _ => throw new ArgumentOutOfRangeException(nameof(driver), driver, null),
    };

    private bool Fail(string code, Network network, string message)
    {
        context.Errors.Add(new Diagnostic(Severity.Error, code, message, network.At));
        return false;
    }

    private static string Lower<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    // ---- networks ---------------------------------------------------------------------------

    private void CompileNetwork(Network network, int? mtu)
    {
        if (network.Driver is not (Driver.Bridge or Driver.Overlay)) return; // sub-interfaces live in sandboxes
        var bridge = context.Names.Bridge(network.Name);
        var gatewayMac = MacAddresses.FromIpv4(network.Gateway);
        // The same gateway MAC on every node: sandboxes keep one ARP entry for the gateway wherever
        // they run, and with VXLAN proxy ARP the request never leaves the node.
        _host.Add(new LinkObject("", bridge, LinkKind.Bridge)
        {
            Owner = context.Owner, Up = true, Mtu = mtu, Mac = gatewayMac,
            Alias = context.AliasFor("bridge/" + network.Name), Group = context.Group,
        }, network.At);

        // Docker keeps the gateway address on an internal bridge (the firewall keeps traffic in); an
        // internal overlay has no gateway at all, so nothing can leave through any node.
        if (!(network.Driver == Driver.Overlay && network.Internal))
            _host.Add(new AddressObject("", bridge, context.Cidr(network.Gateway, network)) { Owner = context.Owner }, network.At);

        if (network.Driver == Driver.Overlay) CompileOverlay(network, bridge, mtu);
    }

    private void CompileOverlay(Network network, string bridge, int? mtu)
    {
        var vxlan = context.Names.Vxlan(network.Name);
        _host.Add(new LinkObject("", vxlan, LinkKind.Vxlan)
        {
            Owner = context.Owner, Up = true, Mtu = mtu, Master = bridge,
            Alias = context.AliasFor("vxlan/" + network.Name), Group = context.Group,
            Vxlan = new VxlanInfo(context.Vnis[network.Name], node.Address!.ToString(), VxlanPort, Learning: false) { Proxy = true },
        }, network.At);

        // Everything about remote endpoints is programmed from the topology: one flood entry per
        // remote VTEP (broadcast and unknown unicast), and per remote endpoint its MAC → VTEP and a
        // permanent neighbour entry the VXLAN proxy answers ARP from.
        foreach (var remoteName in context.Placement.NodesOf(network))
        {
            if (remoteName == node.Name) continue;
            var remote = context.NodesByName.GetValueOrDefault(remoteName);
            if (remote?.Address is null) continue; // reported when that node compiles
            _host.Add(new FdbObject("", vxlan, MacAddresses.Flood, remote.Address.ToString()) { Owner = context.Owner }, network.At);
        }
        foreach (var sandbox in Topology.Sandboxes)
        {
            if (sandbox.Node == node.Name) continue;
            var remote = context.NodesByName.GetValueOrDefault(sandbox.Node);
            if (remote?.Address is null) continue;
            foreach (var endpoint in sandbox.Endpoints.Where(e => e.Network == network.Name))
            {
                if (context.AddressOf(sandbox, endpoint) is not { } ip) continue;
                var mac = context.MacOf(endpoint, ip);
                _host.Add(new FdbObject("", vxlan, mac, remote.Address.ToString()) { Owner = context.Owner }, endpoint.At);
                _host.Add(new NeighbourObject("", vxlan, ip.ToString(), mac) { Owner = context.Owner }, endpoint.At);
            }
        }
    }

    // ---- sandboxes --------------------------------------------------------------------------

    private void CompileSandbox(Sandbox sandbox)
    {
        _host.Add(new NamespaceObject(sandbox.Name) { Owner = context.Owner, LoopbackUp = true }, sandbox.At);
        var resolvers = facts.Nameservers.Select(s => IPAddress.TryParse(s, out var a) ? a : null).OfType<IPAddress>().ToList();
        _peers ??= new NetworkPeers(Topology, (name, network) => context.Addresses.GetValueOrDefault(new EndpointId(name, network)));
        foreach (var file in SandboxFiles.For(_peers, sandbox, resolvers, observedFiles))
            _host.Add(file, sandbox.At);
        RouteObject? defaultRoute = null;
        foreach (var endpoint in sandbox.Endpoints)
        {
            var network = context.Networks[endpoint.Network];
            if (!_mtu.TryGetValue(network.Name, out var mtu)) continue; // the network failed its checks here
            if (context.AddressOf(sandbox, endpoint) is not { } ip) continue; // IPAM reported why
            var mac = context.MacOf(endpoint, ip);
            var alias = context.AliasFor($"endpoint/{sandbox.Name}/{network.Name}");

            if (network.Driver is Driver.Bridge or Driver.Overlay)
                _host.Add(new LinkObject("", context.Names.Veth(sandbox.Name, network.Name), LinkKind.Veth)
                {
                    Owner = context.Owner, Up = true, Mtu = mtu, Master = context.Names.Bridge(network.Name),
                    Alias = alias, Group = context.Group,
                    Peer = new VethPeer(sandbox.Name, endpoint.InterfaceName) { Mac = mac, Mtu = mtu, Up = true, Alias = alias },
                }, endpoint.At);
            else
                _host.Add(new LinkObject(sandbox.Name, endpoint.InterfaceName, network.Driver == Driver.Macvlan ? LinkKind.Macvlan : LinkKind.Ipvlan)
                {
                    Owner = context.Owner, Up = true, Mtu = mtu, Alias = alias, Group = context.Group,
                    // ipvlan children share the parent's MAC; only macvlan gets its own.
                    Mac = network.Driver == Driver.Macvlan ? mac : null,
                    SubInterface = new SubInterfaceInfo(network.Parent!, network.Mode ?? DefaultMode(network.Driver)),
                }, endpoint.At);

            _host.Add(new AddressObject(sandbox.Name, endpoint.InterfaceName, context.Cidr(ip, network)) { Owner = context.Owner }, endpoint.At);

            // The default route goes via the first network, in declared order, that leads out.
            if (defaultRoute is null && !network.Internal)
                defaultRoute = new RouteObject(sandbox.Name, "default")
                {
                    Owner = context.Owner, Device = endpoint.InterfaceName,
                    // ipvlan l3/l3s does no ARP: the parent routes, so the route needs only the device.
                    Gateway = network is { Driver: Driver.Ipvlan, Mode: "l3" or "l3s" } ? null : network.Gateway.ToString(),
                };
        }
        if (defaultRoute is not null) _host.Add(defaultRoute, sandbox.At);
    }

    private static string DefaultMode(Driver driver) => driver == Driver.Macvlan ? "bridge" : "l2";
}
