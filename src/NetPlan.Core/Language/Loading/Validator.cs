using System.Net;
using NetPlan.Core.Diagnostics;

namespace NetPlan.Core.Language.Loading;

/// <summary>
/// The rules that relate parts of the file to each other: references, per-network address
/// plans, subnet overlap per node, drivers, VNIs, published-port conflicts per node, names on a
/// network, node and SSH consistency. Each rule reports at the value the user has to change.
/// </summary>
internal sealed class Validator(TopologyDraft t, DiagnosticBag d)
{
    readonly Dictionary<string, NodeDraft> nodes = t.Nodes.ToDictionary(n => n.Name);
    readonly Dictionary<string, NetworkDraft> networks = t.Networks.ToDictionary(n => n.Name);
    readonly Dictionary<string, SandboxDraft> sandboxes = t.Sandboxes.ToDictionary(s => s.Name);

    public void Run()
    {
        Nodes();
        References();
        foreach (var network in t.Networks)
        {
            Driver(network);
            AddressPlan(network);
        }
        Vnis();
        Overlaps();
        Overlay();
        InterfaceNames();
        NamesOnNetworks();
        MacsOnNetworks();
        PublishedPorts();
    }

    /// <summary>The nodes a network is present on: explicit <c>nodes:</c>, else the nodes of its sandboxes.</summary>
    public IReadOnlyList<string> NodesOf(NetworkDraft network) =>
        network.Nodes is { } explicitNodes
            ? explicitNodes.Select(n => n.Value).Where(nodes.ContainsKey).ToList()
            : t.Sandboxes
                .Where(s => s.Node is { } n && nodes.ContainsKey(n.Value) && s.Endpoints.Any(e => e.Network.Value == network.Name))
                .Select(s => s.Node!.Value.Value)
                .Distinct()
                .ToList();

    void Nodes()
    {
        NodeDraft? local = null;
        var byAddress = new Dictionary<IPAddress, NodeDraft>();
        foreach (var node in t.Nodes)
        {
            if (node.EffectiveConnection == Connection.Local)
            {
                if (node.Ssh?.At is { } sshAt)
                    d.Warning(Codes.SshOnLocalNode, $"node '{node.Name}' has connection: local, so its ssh settings are ignored", sshAt);
                if (local is not null)
                    d.Error(Codes.MultipleLocalNodes,
                        $"node '{node.Name}' is the second node with connection: local ('{local.Name}' is the first); only one node can be this machine",
                        node.Connection?.At ?? node.At);
                local ??= node;
            }
            else if (node.Ssh?.Host is null && !node.AddressWritten)
            {
                d.Error(Codes.SshHostMissing, $"node '{node.Name}' connects over ssh but has neither address nor ssh.host", node.At);
            }
            if (node.Address is { } address)
            {
                if (byAddress.TryGetValue(address.Value, out var other))
                    d.Error(Codes.DuplicateNodeAddress, $"node '{node.Name}' has address {address.Value}, already the address of node '{other.Name}'", address.At);
                else
                    byAddress[address.Value] = node;
            }
        }
    }

    void References()
    {
        foreach (var network in t.Networks)
            foreach (var n in network.Nodes ?? [])
                if (!nodes.ContainsKey(n.Value))
                    d.Error(Codes.UnknownNetworkNode, $"network '{network.Name}' lists node '{n.Value}', which is not defined{Suggest(n.Value, nodes.Keys)}", n.At);

        foreach (var sandbox in t.Sandboxes)
        {
            var node = sandbox.Node;
            if (node is not null && !nodes.ContainsKey(node.Value.Value))
                d.Error(Codes.UnknownNode, $"sandbox '{sandbox.Name}' is on node '{node.Value.Value}', which is not defined{Suggest(node.Value.Value, nodes.Keys)}", node.Value.At);
            if (sandbox.Endpoints.Count == 0)
                d.Warning(Codes.SandboxWithoutNetworks, $"sandbox '{sandbox.Name}' is attached to no network; it will only have loopback", sandbox.At);
            foreach (var endpoint in sandbox.Endpoints)
            {
                var name = endpoint.Network.Value;
                if (!networks.TryGetValue(name, out var network))
                {
                    d.Error(Codes.UnknownNetwork, $"sandbox '{sandbox.Name}' attaches to network '{name}', which is not defined{Suggest(name, networks.Keys)}", endpoint.Network.At);
                    continue;
                }
                if (network.Nodes is { } explicitNodes && node is not null && nodes.ContainsKey(node.Value.Value)
                    && explicitNodes.All(n => n.Value != node.Value.Value))
                    d.Error(Codes.NodeNotInNetwork,
                        $"sandbox '{sandbox.Name}' on node '{node.Value.Value}' attaches to network '{name}', whose nodes list leaves out '{node.Value.Value}'",
                        endpoint.Network.At);
            }
        }

        foreach (var network in t.Networks)
            if (network.Nodes is null && t.Sandboxes.All(s => s.Endpoints.All(e => e.Network.Value != network.Name)))
                d.Warning(Codes.UnusedNetwork, $"network '{network.Name}' is present on no node: no sandbox attaches to it and it has no nodes list", network.At);

        foreach (var service in t.Services)
        {
            NetworkDraft? network = null;
            if (service.Network is { } n && !networks.TryGetValue(n.Value, out network))
                d.Error(Codes.UnknownServiceNetwork, $"service '{service.Name}' uses network '{n.Value}', which is not defined{Suggest(n.Value, networks.Keys)}", n.At);
            foreach (var backend in service.Backends)
            {
                if (!sandboxes.TryGetValue(backend.Value, out var sandbox))
                    d.Error(Codes.UnknownBackend, $"service '{service.Name}' has backend '{backend.Value}', which is not a sandbox{Suggest(backend.Value, sandboxes.Keys)}", backend.At);
                else if (network is not null && sandbox.Endpoints.All(e => e.Network.Value != network.Name))
                    d.Error(Codes.BackendNotOnNetwork, $"backend '{backend.Value}' of service '{service.Name}' is not attached to network '{network.Name}'", backend.At);
            }
        }
    }

    static string Suggest(string word, IEnumerable<string> known) => YamlAccess.Suggest(word, known);

    void Driver(NetworkDraft n)
    {
        var driver = n.EffectiveDriver;
        var driverName = driver.ToString().ToLowerInvariant();
        bool subInterface = driver is global::NetPlan.Core.Language.Driver.Macvlan or global::NetPlan.Core.Language.Driver.Ipvlan;
        if (n.Vni is { } vni && driver != global::NetPlan.Core.Language.Driver.Overlay)
            d.Error(Codes.KeyNotForDriver, $"vni applies only to overlay networks; network '{n.Name}' uses driver {driverName}", vni.At);
        if (n.Parent is { } parent && !subInterface)
            d.Error(Codes.KeyNotForDriver, $"parent applies only to macvlan and ipvlan networks; network '{n.Name}' uses driver {driverName}", parent.At);
        if (n.Mode is { } mode)
        {
            if (!subInterface)
                d.Error(Codes.KeyNotForDriver, $"mode applies only to macvlan and ipvlan networks; network '{n.Name}' uses driver {driverName}", mode.At);
            else if (!ModesOf(driver).Contains(mode.Value))
                d.Error(Codes.InvalidMode,
                    $"mode '{mode.Value}' is not valid for driver {driverName}; use one of {string.Join(", ", ModesOf(driver))}{Suggest(mode.Value, ModesOf(driver))}", mode.At);
        }
        if (subInterface && !n.ParentWritten)
            d.Error(Codes.ParentRequired, $"{driverName} network '{n.Name}' needs 'parent' (the host interface its endpoints hang off)", n.Driver?.At ?? n.At);
        if (n.IsInternal && n.Masquerade is { Value: true } masquerade)
            d.Error(Codes.MasqueradeOnInternal, $"network '{n.Name}' is internal, so it cannot masquerade; remove masquerade or internal", masquerade.At);
    }

    public static IReadOnlyList<string> ModesOf(Driver driver) => driver switch
    {
        global::NetPlan.Core.Language.Driver.Macvlan => ["bridge", "private", "vepa", "passthru"],
        global::NetPlan.Core.Language.Driver.Ipvlan => ["l2", "l3", "l3s"],
        _ => [],
    };

    void AddressPlan(NetworkDraft n)
    {
        if (n.Subnet is not { } subnetAt) return;
        var subnet = subnetAt.Value;
        if (subnet.PrefixLength > 30)
        {
            d.Error(Codes.SubnetTooSmall, $"subnet {Ipv4.Format(subnet)} of network '{n.Name}' has no room for a gateway and endpoints; use /30 or larger", subnetAt.At);
            return;
        }
        // Every address handed out statically, with what it is, to find duplicates.
        var used = new Dictionary<uint, string>();
        bool Place(Located<IPAddress> address, string what)
        {
            var ip = address.Value;
            if (!Ipv4.Contains(subnet, ip))
            {
                d.Error(Codes.OutsideSubnet, $"{what} {ip} is outside subnet {Ipv4.Format(subnet)} of network '{n.Name}'", address.At);
                return false;
            }
            if (Ipv4.IsNetworkOrBroadcast(subnet, ip))
            {
                var kind = Ipv4.ToUInt32(ip) == Ipv4.First(subnet) ? "network" : "broadcast";
                d.Error(Codes.ReservedAddress, $"{what} {ip} is the {kind} address of subnet {Ipv4.Format(subnet)} of network '{n.Name}'", address.At);
                return false;
            }
            if (used.TryGetValue(Ipv4.ToUInt32(ip), out var owner))
            {
                d.Error(Codes.DuplicateAddress, $"{what} {ip} is already taken by {owner} in network '{n.Name}'", address.At);
                return false;
            }
            used[Ipv4.ToUInt32(ip)] = what;
            return true;
        }

        var gateway = n.Gateway ?? new Located<IPAddress>(Ipv4.FirstHost(subnet), subnetAt.At);
        Place(gateway, "gateway");
        if (n.IpRange is { } range && !Ipv4.Contains(subnet, range.Value))
            d.Error(Codes.OutsideSubnet, $"ip_range {Ipv4.Format(range.Value)} is outside subnet {Ipv4.Format(subnet)} of network '{n.Name}'", range.At);
        foreach (var (name, address) in n.Aux) Place(address, $"aux address '{name}'");

        int dynamic = 0;
        foreach (var sandbox in t.Sandboxes)
            foreach (var endpoint in sandbox.Endpoints.Where(e => e.Network.Value == n.Name))
            {
                if (endpoint.Ipv4Address is { } address) Place(address, $"sandbox '{sandbox.Name}' address");
                else dynamic++;
            }

        // Dynamic addresses come from ip_range (default: the subnet) minus everything reserved.
        var pool = n.IpRange is { } r && Ipv4.Contains(subnet, r.Value) ? r.Value : subnet;
        long first = Math.Max(Ipv4.First(pool), Ipv4.First(subnet) + 1L);
        long last = Math.Min(Ipv4.Last(pool), Ipv4.Last(subnet) - 1L);
        long free = Math.Max(0, last - first + 1) - used.Keys.Count(a => a >= first && a <= last);
        if (dynamic > free)
        {
            var where = n.IpRange is { } ipRange && Ipv4.Contains(subnet, ipRange.Value) ? ipRange.At : subnetAt.At;
            d.Error(Codes.AddressesExhausted,
                $"network '{n.Name}' needs {dynamic} dynamic addresses but {Ipv4.Format(pool)} has only {free} free", where);
        }
    }

    void Vnis()
    {
        var seen = new Dictionary<long, NetworkDraft>();
        foreach (var n in t.Networks)
            if (n.Vni is { } vni && n.EffectiveDriver == global::NetPlan.Core.Language.Driver.Overlay)
            {
                if (seen.TryGetValue(vni.Value, out var other))
                    d.Error(Codes.DuplicateVni, $"vni {vni.Value} of network '{n.Name}' is already used by network '{other.Name}'", vni.At);
                else
                    seen[vni.Value] = n;
            }
    }

    void Overlaps()
    {
        var present = t.Networks.ToDictionary(n => n.Name, NodesOf);
        for (int j = 0; j < t.Networks.Count; j++)
        for (int i = 0; i < j; i++)
        {
            var (a, b) = (t.Networks[i], t.Networks[j]);
            if (a.Subnet is not { } sa || b.Subnet is not { } sb || !Ipv4.Overlaps(sa.Value, sb.Value)) continue;
            var shared = present[a.Name].Intersect(present[b.Name]).FirstOrDefault();
            if (shared is null) continue;
            d.Error(Codes.SubnetOverlap,
                $"subnet {Ipv4.Format(sb.Value)} of network '{b.Name}' overlaps subnet {Ipv4.Format(sa.Value)} of network '{a.Name}' on node '{shared}'", sb.At);
        }
    }

    void Overlay()
    {
        foreach (var n in t.Networks.Where(n => n.EffectiveDriver == global::NetPlan.Core.Language.Driver.Overlay))
            foreach (var nodeName in NodesOf(n))
                if (!nodes[nodeName].AddressWritten)
                    d.Error(Codes.OverlayNeedsAddress,
                        $"node '{nodeName}' needs an address: overlay network '{n.Name}' is present on it and uses the address as its VXLAN endpoint", nodes[nodeName].At);
    }

    void InterfaceNames()
    {
        foreach (var sandbox in t.Sandboxes)
        {
            var seen = new Dictionary<string, EndpointDraft>();
            for (int i = 0; i < sandbox.Endpoints.Count; i++)
            {
                var endpoint = sandbox.Endpoints[i];
                var name = endpoint.InterfaceName?.Value ?? DefaultInterfaceName(i);
                if (seen.TryGetValue(name, out var other))
                    d.Error(Codes.DuplicateInterfaceName,
                        $"sandbox '{sandbox.Name}' would have two interfaces named {name} (networks '{other.Network.Value}' and '{endpoint.Network.Value}'); set interface_name",
                        endpoint.InterfaceName?.At ?? endpoint.Network.At);
                else
                    seen[name] = endpoint;
            }
        }
    }

    /// <summary>Endpoints without interface_name are eth0, eth1, ... by their position in the sandbox's networks.</summary>
    public static string DefaultInterfaceName(int index) => $"eth{index}";

    void NamesOnNetworks()
    {
        foreach (var n in t.Networks)
        {
            var owners = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var sandbox in t.Sandboxes)
            {
                var endpoint = sandbox.Endpoints.FirstOrDefault(e => e.Network.Value == n.Name);
                if (endpoint is null) continue;
                var names = new List<Located<string>> { new(sandbox.Name, endpoint.Network.At) };
                names.AddRange(endpoint.Aliases);
                foreach (var name in names)
                {
                    if (owners.TryGetValue(name.Value, out var owner) && owner != sandbox.Name)
                        d.Error(Codes.DuplicateNameOnNetwork,
                            $"name '{name.Value}' on network '{n.Name}' already belongs to sandbox '{owner}'", name.At);
                    else
                        owners[name.Value] = sandbox.Name;
                }
            }
        }
    }

    void MacsOnNetworks()
    {
        foreach (var n in t.Networks)
        {
            var owners = new Dictionary<string, string>();
            foreach (var sandbox in t.Sandboxes)
                foreach (var endpoint in sandbox.Endpoints.Where(e => e.Network.Value == n.Name))
                    if (endpoint.MacAddress is { } mac)
                    {
                        if (owners.TryGetValue(mac.Value, out var owner))
                            d.Error(Codes.DuplicateMac, $"mac_address {mac.Value} on network '{n.Name}' is already used by sandbox '{owner}'", mac.At);
                        else
                            owners[mac.Value] = sandbox.Name;
                    }
        }
    }

    /// <summary>
    /// A sandbox publishes through the host's NAT, which reaches it only over a non-internal bridge or
    /// overlay network (macvlan/ipvlan endpoints bypass the host's stack). Then every host_ip:port/protocol
    /// must be claimed once per node, counting services: ingress publishes on every node of its
    /// network, host mode on its backends' nodes.
    /// </summary>
    void PublishedPorts()
    {
        var claims = new List<(string Node, PortMapping Port, string Owner)>();
        foreach (var sandbox in t.Sandboxes.Where(s => s.Ports.Count > 0))
        {
            var attached = sandbox.Endpoints.Select(e => networks.GetValueOrDefault(e.Network.Value)).ToList();
            if (attached.All(n => n is not null) && !attached.Any(CanPublish))
                d.Error(Codes.PortsOnInternal,
                    $"sandbox '{sandbox.Name}' publishes ports but has no non-internal bridge or overlay network to receive them", sandbox.PortsAt ?? sandbox.At);
            if (sandbox.Node is { } node && nodes.ContainsKey(node.Value))
                claims.AddRange(sandbox.Ports.Select(p => (node.Value, p, $"sandbox '{sandbox.Name}'")));
        }
        foreach (var service in t.Services.Where(s => s.Ports.Count > 0))
        {
            if (service.Network is not { } n || !networks.TryGetValue(n.Value, out var network)) continue;
            if (!CanPublish(network))
                d.Error(Codes.PortsOnInternal,
                    $"service '{service.Name}' publishes ports on network '{network.Name}', which is internal or not a bridge/overlay network", service.PortsAt ?? service.At);
            var on = service.Mode?.Value == ServiceMode.Host
                ? service.Backends.Select(b => sandboxes.GetValueOrDefault(b.Value)?.Node?.Value).OfType<string>().Where(nodes.ContainsKey).Distinct()
                : NodesOf(network);
            foreach (var nodeName in on)
                claims.AddRange(service.Ports.Select(p => (nodeName, p, $"service '{service.Name}'")));
        }

        // Report each conflict once, at the later mapping in the file.
        var ordered = claims.OrderBy(c => c.Port.At.Line).ThenBy(c => c.Port.At.Column).ToList();
        var reported = new HashSet<SourceSpan>();
        for (int j = 0; j < ordered.Count; j++)
        for (int i = 0; i < j; i++)
        {
            var (a, b) = (ordered[i], ordered[j]);
            if (a.Node != b.Node || a.Port.At == b.Port.At || !Conflict(a.Port, b.Port) || !reported.Add(b.Port.At)) continue;
            d.Error(Codes.DuplicatePublishedPort,
                $"{Describe(b.Port)} of {b.Owner} is already published on node '{b.Node}' by {a.Owner} (line {a.Port.At.Line})", b.Port.At);
        }
    }

    static bool CanPublish(NetworkDraft? n) =>
        n is not null && !n.IsInternal && n.EffectiveDriver is global::NetPlan.Core.Language.Driver.Bridge or global::NetPlan.Core.Language.Driver.Overlay;

    static bool Conflict(PortMapping a, PortMapping b) =>
        a.Protocol == b.Protocol
        && a.HostStart <= b.HostEnd && b.HostStart <= a.HostEnd
        && (a.HostIp is null || b.HostIp is null || a.HostIp.Equals(b.HostIp));

    static string Describe(PortMapping p) =>
        $"{p.HostIp?.ToString() ?? "0.0.0.0"}:{(p.HostStart == p.HostEnd ? p.HostStart.ToString() : $"{p.HostStart}-{p.HostEnd}")}/{p.Protocol.ToString().ToLowerInvariant()}";
}
