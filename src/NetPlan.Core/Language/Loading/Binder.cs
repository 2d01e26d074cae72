using System.Net;
using NetPlan.Core.Diagnostics;
using NetPlan.Core.Language.Yaml;

namespace NetPlan.Core.Language.Loading;

/// <summary>
/// Reads the YAML tree into drafts: checks keys, types and the lexical form of every value (names,
/// addresses, CIDRs, ports). Rules that relate one part of the file to another live in
/// <see cref="Validator"/>.
/// </summary>
internal sealed class Binder(YamlAccess y)
{
    static readonly string[] TopKeys = ["version", "name", "defaults", "nodes", "networks", "sandboxes", "services"];
    static readonly string[] DefaultsKeys = ["ssh"];
    static readonly string[] DefaultSshKeys = ["user", "port", "identity_file", "known_hosts_file", "config_file", "sudo"];
    static readonly string[] NodeSshKeys = ["host", .. DefaultSshKeys];
    static readonly string[] NodeKeys = ["address", "connection", "ssh"];
    static readonly string[] NetworkKeys =
        ["driver", "subnet", "gateway", "ip_range", "aux_addresses", "internal", "masquerade", "icc", "mtu", "nodes", "vni", "parent", "mode"];
    static readonly string[] SandboxKeys = ["node", "hostname", "networks", "ports", "dns", "dns_search"];
    static readonly string[] EndpointKeys = ["ipv4_address", "aliases", "mac_address", "interface_name"];
    static readonly string[] ServiceKeys = ["network", "backends", "ports", "mode"];
    public static readonly string[] Drivers = ["bridge", "overlay", "macvlan", "ipvlan"];
    static readonly string[] Connections = ["ssh", "local"];
    static readonly string[] ServiceModes = ["ingress", "host"];

    public TopologyDraft? Bind(YNode? root, SourceSpan fileStart)
    {
        if (root is null or YScalar { Kind: ScalarKind.Null })
        {
            y.Diagnostics.Error(Codes.DocumentStructure, "the topology file is empty; it needs at least version, name and nodes", fileStart);
            return null;
        }
        if (root is not YMapping top)
        {
            y.Error(Codes.DocumentStructure, $"a topology is a mapping of keys (version, name, nodes, ...), not a {root.KindName}", root);
            return null;
        }
        var draft = new TopologyDraft();
        y.CheckKeys(top, TopKeys, "the topology", allowExtensions: true);
        y.Require(top, "version", "the topology", top);
        y.Require(top, "name", "the topology", top);
        y.Require(top, "nodes", "the topology", top);
        foreach (var entry in top.Entries)
        {
            var value = entry.Value;
            switch (entry.Key.Value)
            {
                case "version":
                    draft.Version = y.Integer(value, "version");
                    if (draft.Version is { Value: not 1 } v)
                        y.Error(Codes.UnsupportedVersion, $"version {v.Value} is not supported; this NetPlan reads version 1", value);
                    break;
                case "name":
                    draft.Name = Name(value, "topology name");
                    break;
                case "defaults":
                    if (y.Mapping(value, "defaults") is { } defaults)
                    {
                        y.CheckKeys(defaults, DefaultsKeys, "defaults");
                        if (defaults.Find("ssh") is { } ssh) draft.DefaultSsh = Ssh(ssh.Value, DefaultSshKeys, "defaults.ssh");
                    }
                    break;
                case "nodes":
                    foreach (var (name, map) in Section(value, "nodes", required: true))
                        draft.Nodes.Add(Node(name, map));
                    break;
                case "networks":
                    foreach (var (name, map) in Section(value, "networks", required: false))
                        draft.Networks.Add(Network(name, map));
                    break;
                case "sandboxes":
                    foreach (var (name, map) in Section(value, "sandboxes", required: false))
                        draft.Sandboxes.Add(Sandbox(name, map));
                    break;
                case "services":
                    foreach (var (name, map) in Section(value, "services", required: false))
                        draft.Services.Add(Service(name, map));
                    break;
            }
        }
        return draft;
    }

    /// <summary>
    /// A mapping of name -> mapping (nodes, networks, sandboxes, services). Entries with an invalid
    /// name are reported but still yielded, so references to them do not cascade into more errors.
    /// </summary>
    IEnumerable<(YScalar Name, YMapping Body)> Section(YNode value, string section, bool required)
    {
        if (value is YScalar { Kind: ScalarKind.Null } && !required) yield break;
        var map = y.Mapping(value, section);
        if (map is null) yield break;
        if (required && map.Entries.Count == 0)
            y.Error(Codes.EmptySection, $"'{section}' must define at least one entry", value);
        var singular = section.TrimEnd('s') switch { "sandboxe" => "sandbox", var s => s };
        foreach (var entry in map.Entries)
        {
            CheckName(entry.Key, $"{singular} name");
            var body = y.Mapping(entry.Value, $"{singular} '{entry.Key.Value}'");
            if (body is not null) yield return (entry.Key, body);
        }
    }

    bool CheckName(YScalar key, string what)
    {
        if (Lexical.IsName(key.Value)) return true;
        y.Error(Codes.InvalidName,
            $"{what} '{key.Value}' must be a lowercase DNS label: 1-32 of a-z, 0-9 and '-', starting with a letter, not ending with '-'", key);
        return false;
    }

    Located<string>? Name(YNode value, string what)
    {
        var text = y.String(value, what);
        if (text is null) return null;
        return value is YScalar s && CheckName(s, what) ? text : null;
    }

    SshDraft? Ssh(YNode value, string[] keys, string where)
    {
        var map = y.Mapping(value, where);
        if (map is null) return null;
        y.CheckKeys(map, keys, where);
        var ssh = new SshDraft { At = y.At(map) };
        foreach (var entry in map.Entries)
        {
            var v = entry.Value;
            switch (entry.Key.Value)
            {
                case "host":
                    ssh.Host = y.String(v, "ssh host");
                    if (ssh.Host is { } host && !Lexical.IsHost(host.Value))
                    {
                        y.Error(Codes.InvalidSshHost, $"ssh host '{host.Value}' must be a plain host name or IP address (no spaces, options or shell characters)", v);
                        ssh.Host = null;
                    }
                    break;
                case "user":
                    ssh.User = y.String(v, "ssh user");
                    if (ssh.User is { } user && !Lexical.IsUser(user.Value))
                    {
                        y.Error(Codes.InvalidSshUser, $"ssh user '{user.Value}' must be a plain user name (letters, digits, '_', '.', '-'; not starting with '-')", v);
                        ssh.User = null;
                    }
                    break;
                case "port":
                    ssh.Port = y.Integer(v, "ssh port");
                    if (ssh.Port is { Value: < 1 or > 65535 } port)
                    {
                        y.Error(Codes.InvalidSshPort, $"ssh port {port.Value} is outside 1..65535", v);
                        ssh.Port = null;
                    }
                    break;
                case "identity_file": ssh.IdentityFile = PathValue(v, "identity_file"); break;
                case "known_hosts_file": ssh.KnownHostsFile = PathValue(v, "known_hosts_file"); break;
                case "config_file": ssh.ConfigFile = PathValue(v, "config_file"); break;
                case "sudo": ssh.Sudo = y.Boolean(v, "sudo"); break;
            }
        }
        return ssh;
    }

    Located<string>? PathValue(YNode value, string what)
    {
        var text = y.String(value, what);
        if (text is null) return null;
        if (Lexical.PathProblem(text.Value.Value) is { } problem)
        {
            y.Error(Codes.InvalidPath, $"{what} {problem}", value);
            return null;
        }
        return text;
    }

    NodeDraft Node(YScalar name, YMapping map)
    {
        var node = new NodeDraft(name.Value, y.At(name));
        y.CheckKeys(map, NodeKeys, $"node '{name.Value}'");
        foreach (var entry in map.Entries)
        {
            var v = entry.Value;
            switch (entry.Key.Value)
            {
                case "address":
                    node.AddressWritten = true;
                    if (y.String(v, "node address") is not { } text) break;
                    if (Ipv4.TryParseAddress(text.Value, out var ip)
                        || (text.Value.Contains(':') && !text.Value.Contains('%') && IPAddress.TryParse(text.Value, out ip)))
                        node.Address = new(ip, text.At);
                    else
                        y.Error(Codes.InvalidNodeAddress,
                            $"node address '{text.Value}' must be an IP address (the VXLAN endpoint); put a host name in ssh.host", v);
                    break;
                case "connection":
                    if (y.Word(v, "connection", Connections) is { } c)
                        node.Connection = new(c.Value == "local" ? Connection.Local : Connection.Ssh, c.At);
                    break;
                case "ssh":
                    node.Ssh = Ssh(v, NodeSshKeys, $"ssh of node '{name.Value}'");
                    break;
            }
        }
        return node;
    }

    NetworkDraft Network(YScalar name, YMapping map)
    {
        var net = new NetworkDraft(name.Value, y.At(name));
        var where = $"network '{name.Value}'";
        y.CheckKeys(map, NetworkKeys, where);
        y.Require(map, "subnet", where, name);
        foreach (var entry in map.Entries)
        {
            var v = entry.Value;
            switch (entry.Key.Value)
            {
                case "driver":
                    if (y.Word(v, "driver", Drivers) is { } d)
                        net.Driver = new(Enum.Parse<Driver>(d.Value, ignoreCase: true), d.At);
                    break;
                case "subnet": net.Subnet = Cidr(v, "subnet"); break;
                case "ip_range": net.IpRange = Cidr(v, "ip_range"); break;
                case "gateway": net.Gateway = Address(v, "gateway"); break;
                case "aux_addresses":
                    if (y.Mapping(v, "aux_addresses") is { } aux)
                        foreach (var a in aux.Entries)
                            if (Address(a.Value, $"aux address '{a.Key.Value}'") is { } address)
                                net.Aux.Add((a.Key.Value, address));
                    break;
                case "internal": net.Internal = y.Boolean(v, "internal"); break;
                case "masquerade": net.Masquerade = y.Boolean(v, "masquerade"); break;
                case "icc": net.Icc = y.Boolean(v, "icc"); break;
                case "mtu":
                    net.Mtu = y.Integer(v, "mtu");
                    if (net.Mtu is { Value: < 68 or > 65535 } mtu)
                    {
                        y.Error(Codes.MtuOutOfRange, $"mtu {mtu.Value} is outside 68..65535", v);
                        net.Mtu = null;
                    }
                    break;
                case "nodes": net.Nodes = NameList(v, "nodes", "node name"); break;
                case "vni":
                    net.Vni = y.Integer(v, "vni");
                    if (net.Vni is { Value: < 1 or > 16777215 } vni)
                    {
                        y.Error(Codes.VniOutOfRange, $"vni {vni.Value} is outside 1..16777215", v);
                        net.Vni = null;
                    }
                    break;
                case "parent":
                    net.ParentWritten = true;
                    net.Parent = y.String(v, "parent");
                    if (net.Parent is { } parent && !Lexical.IsInterfaceName(parent.Value))
                    {
                        y.Error(Codes.InvalidInterfaceName, $"parent '{parent.Value}' is not a valid interface name (1-15 of letters, digits, _ . @ + -; not lo)", v);
                        net.Parent = null;
                    }
                    break;
                case "mode": net.Mode = y.String(v, "mode"); break;
            }
        }
        return net;
    }

    SandboxDraft Sandbox(YScalar name, YMapping map)
    {
        var sandbox = new SandboxDraft(name.Value, y.At(name));
        var where = $"sandbox '{name.Value}'";
        y.CheckKeys(map, SandboxKeys, where);
        y.Require(map, "node", where, name);
        foreach (var entry in map.Entries)
        {
            var v = entry.Value;
            switch (entry.Key.Value)
            {
                case "node": sandbox.Node = y.String(v, "node"); break;
                case "hostname":
                    sandbox.Hostname = y.String(v, "hostname");
                    if (sandbox.Hostname is { } h && !Lexical.IsDnsLabel(h.Value))
                    {
                        y.Error(Codes.InvalidHostname, $"hostname '{h.Value}' must be a DNS label (1-63 letters, digits, '-')", v);
                        sandbox.Hostname = null;
                    }
                    break;
                case "networks": Endpoints(v, sandbox); break;
                case "ports":
                    sandbox.PortsAt = y.At(v);
                    sandbox.Ports = Ports(v);
                    break;
                case "dns":
                    if (y.Sequence(v, "dns") is { } dns)
                        foreach (var item in dns.Items)
                            if (y.String(item, "dns server") is { } text)
                            {
                                if (Ipv4.TryParseAddress(text.Value, out var ip)
                                    || (text.Value.Contains(':') && IPAddress.TryParse(text.Value, out ip)))
                                    sandbox.Dns.Add(ip);
                                else
                                    y.Error(Codes.InvalidAddress, $"dns server '{text.Value}' is not an IP address", item);
                            }
                    break;
                case "dns_search":
                    foreach (var domain in DnsNames(v, "dns_search domain"))
                        sandbox.DnsSearch.Add(domain.Value);
                    break;
            }
        }
        return sandbox;
    }

    void Endpoints(YNode value, SandboxDraft sandbox)
    {
        if (value is YScalar { Kind: ScalarKind.Null }) return;
        if (value is YSequence list)
        {
            var seen = new HashSet<string>();
            foreach (var item in list.Items)
                if (y.String(item, "network name") is { } n)
                {
                    if (!seen.Add(n.Value))
                        y.Error(Codes.DuplicateItem, $"network '{n.Value}' is listed twice", item);
                    else
                        sandbox.Endpoints.Add(new EndpointDraft(n));
                }
            return;
        }
        if (value is not YMapping map)
        {
            y.Error(Codes.WrongType, $"networks must be a list of network names or a mapping of name to endpoint settings, not a {value.KindName}", value);
            return;
        }
        foreach (var entry in map.Entries)
        {
            var endpoint = new EndpointDraft(new(entry.Key.Value, y.At(entry.Key)));
            sandbox.Endpoints.Add(endpoint);
            var body = y.OptionalMapping(entry.Value, $"endpoint '{entry.Key.Value}'");
            if (body is null) continue;
            y.CheckKeys(body, EndpointKeys, $"endpoint '{entry.Key.Value}' of sandbox '{sandbox.Name}'");
            foreach (var e in body.Entries)
            {
                var v = e.Value;
                switch (e.Key.Value)
                {
                    case "ipv4_address": endpoint.Ipv4Address = Address(v, "ipv4_address"); break;
                    case "aliases": endpoint.Aliases = DnsNames(v, "alias"); break;
                    case "mac_address":
                        endpoint.MacAddress = y.String(v, "mac_address");
                        if (endpoint.MacAddress is { } mac)
                        {
                            if (Lexical.IsUnicastMac(mac.Value)) endpoint.MacAddress = new(mac.Value.ToLowerInvariant(), mac.At);
                            else
                            {
                                y.Error(Codes.InvalidMac, $"mac_address '{mac.Value}' must be a unicast MAC like 02:42:0a:00:00:05", v);
                                endpoint.MacAddress = null;
                            }
                        }
                        break;
                    case "interface_name":
                        endpoint.InterfaceName = y.String(v, "interface_name");
                        if (endpoint.InterfaceName is { } ifname && !Lexical.IsInterfaceName(ifname.Value))
                        {
                            y.Error(Codes.InvalidInterfaceName, $"interface_name '{ifname.Value}' is not a valid interface name (1-15 of letters, digits, _ . @ + -; not lo)", v);
                            endpoint.InterfaceName = null;
                        }
                        break;
                }
            }
        }
    }

    ServiceDraft Service(YScalar name, YMapping map)
    {
        var service = new ServiceDraft(name.Value, y.At(name));
        var where = $"service '{name.Value}'";
        y.CheckKeys(map, ServiceKeys, where);
        y.Require(map, "network", where, name);
        y.Require(map, "backends", where, name);
        y.Require(map, "ports", where, name);
        foreach (var entry in map.Entries)
        {
            var v = entry.Value;
            switch (entry.Key.Value)
            {
                case "network": service.Network = y.String(v, "network"); break;
                case "backends":
                    service.Backends = NameList(v, "backends", "backend") ?? [];
                    if (v is YSequence { Items.Count: 0 })
                        y.Error(Codes.EmptySection, "backends must name at least one sandbox", v);
                    break;
                case "ports":
                    service.PortsAt = y.At(v);
                    service.Ports = Ports(v);
                    break;
                case "mode":
                    if (y.Word(v, "service mode", ServiceModes) is { } m)
                        service.Mode = new(m.Value == "host" ? ServiceMode.Host : ServiceMode.Ingress, m.At);
                    break;
            }
        }
        return service;
    }

    List<PortMapping> Ports(YNode value)
    {
        var result = new List<PortMapping>();
        if (y.Sequence(value, "ports") is not { } list) return result;
        foreach (var item in list.Items)
            if (PortSyntax.Read(item, y) is { } port) result.Add(port);
        return result;
    }

    List<Located<string>>? NameList(YNode value, string what, string itemWhat)
    {
        if (y.Sequence(value, what) is not { } list) return null;
        var result = new List<Located<string>>();
        foreach (var item in list.Items)
        {
            if (y.String(item, itemWhat) is not { } text) continue;
            if (result.Any(r => r.Value == text.Value))
                y.Error(Codes.DuplicateItem, $"{itemWhat} '{text.Value}' is listed twice in {what}", item);
            else
                result.Add(text);
        }
        return result;
    }

    List<Located<string>> DnsNames(YNode value, string what)
    {
        var result = new List<Located<string>>();
        if (y.Sequence(value, what + "s") is not { } list) return result;
        foreach (var item in list.Items)
        {
            if (y.String(item, what) is not { } text) continue;
            if (!Lexical.IsDnsName(text.Value))
                y.Error(Codes.InvalidDnsName, $"{what} '{text.Value}' is not a DNS name (dot-separated labels of letters, digits, '-')", item);
            else if (result.Any(r => string.Equals(r.Value, text.Value, StringComparison.OrdinalIgnoreCase)))
                y.Error(Codes.DuplicateItem, $"{what} '{text.Value}' is listed twice", item);
            else
                result.Add(text);
        }
        return result;
    }

    Located<IPAddress>? Address(YNode value, string what)
    {
        if (y.String(value, what) is not { } text) return null;
        if (Ipv4.TryParseAddress(text.Value, out var ip)) return new(ip, text.At);
        y.Error(Codes.InvalidAddress, $"{what} '{text.Value}' is not an IPv4 address (like 10.0.0.5)", value);
        return null;
    }

    Located<IPNetwork>? Cidr(YNode value, string what)
    {
        if (y.String(value, what) is not { } text) return null;
        switch (Ipv4.TryParseCidr(text.Value, out var network, out _))
        {
            case Ipv4.CidrError.None:
                return new(network, text.At);
            case Ipv4.CidrError.HostBits:
                y.Error(Codes.HostBitsSet, $"{what} {text.Value} has host bits set; did you mean {Ipv4.Format(network)}?", value);
                return null;
            default:
                y.Error(Codes.InvalidCidr, $"{what} '{text.Value}' is not an IPv4 CIDR (like 10.0.0.0/24)", value);
                return null;
        }
    }
}
