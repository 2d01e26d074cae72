using System.Net;
using NetPlan.Core.Diagnostics;
using NetPlan.Core.Language;
using NetPlan.Core.Language.Loading;

namespace NetPlan.Core.Tests.Language;

public class LoaderTests
{
    const string File = "/srv/topologies/topology.yml";

    static LoadResult Parse(string yaml) => TopologyLoader.Parse(yaml, File, "/home/alice");

    static NetPlan.Core.Language.Topology Valid(string yaml)
    {
        var result = Parse(yaml);
        Assert.True(result.Topology is not null, string.Join("\n", result.Diagnostics));
        return result.Topology!;
    }

    static Diagnostic SingleError(string yaml, string code)
    {
        var result = Parse(yaml);
        Assert.Null(result.Topology);
        var errors = result.Errors.ToList();
        Assert.True(errors.Count == 1 && errors[0].Code == code, $"expected one {code}, got:\n{string.Join("\n", result.Diagnostics)}");
        return errors[0];
    }

    const string Minimal = """
        version: 1
        name: t
        nodes:
          n1: { address: 192.0.2.1 }
        networks:
          net: { subnet: 10.0.0.0/24 }
        sandboxes:
          s1: { node: n1, networks: [net] }
        """;

    [Fact]
    public void Network_defaults_follow_the_documented_rules()
    {
        var net = Valid(Minimal).Network("net");
        Assert.Equal(Driver.Bridge, net.Driver);
        Assert.Equal(IPAddress.Parse("10.0.0.1"), net.Gateway);
        Assert.Equal(IPNetwork.Parse("10.0.0.0/24"), net.IpRange);
        Assert.False(net.Internal);
        Assert.True(net.Masquerade);
        Assert.True(net.Icc);
        Assert.Null(net.Mtu);
        Assert.Null(net.Nodes);
        Assert.Null(net.Vni);
        Assert.Null(net.Parent);
        Assert.Null(net.Mode);
        Assert.Empty(net.AuxAddresses);
    }

    [Fact]
    public void Internal_networks_do_not_masquerade_by_default()
    {
        var t = Valid(Minimal.Replace("net: { subnet: 10.0.0.0/24 }", "net: { subnet: 10.0.0.0/24, internal: true }"));
        Assert.True(t.Network("net").Internal);
        Assert.False(t.Network("net").Masquerade);
    }

    [Theory]
    [InlineData("macvlan", null, "bridge")]
    [InlineData("macvlan", "passthru", "passthru")]
    [InlineData("ipvlan", null, "l2")]
    [InlineData("ipvlan", "l3s", "l3s")]
    public void Sub_interface_networks_default_their_mode_per_driver(string driver, string? mode, string expected)
    {
        var modeText = mode is null ? "" : $", mode: {mode}";
        var t = Valid(Minimal.Replace("net: { subnet: 10.0.0.0/24 }", $"net: {{ driver: {driver}, parent: eth1, subnet: 10.0.0.0/24{modeText} }}"));
        Assert.Equal(expected, t.Network("net").Mode);
        Assert.Equal("eth1", t.Network("net").Parent);
    }

    [Fact]
    public void Endpoints_are_eth0_eth1_in_declared_order_unless_named_and_hostname_defaults_to_the_sandbox_name()
    {
        var t = Valid("""
            version: 1
            name: t
            nodes:
              n1: { address: 192.0.2.1 }
            networks:
              a: { subnet: 10.0.0.0/24 }
              b: { subnet: 10.1.0.0/24 }
              c: { subnet: 10.2.0.0/24 }
            sandboxes:
              s1:
                node: n1
                networks:
                  c: {}
                  a: { interface_name: uplink }
                  b:
              s2: { node: n1, hostname: other, networks: [a] }
            """);
        var s1 = t.Sandbox("s1");
        Assert.Equal(["c", "a", "b"], s1.Endpoints.Select(e => e.Network));
        Assert.Equal(["eth0", "uplink", "eth2"], s1.Endpoints.Select(e => e.InterfaceName));
        Assert.Equal("s1", s1.Hostname);
        Assert.Equal("other", t.Sandbox("s2").Hostname);
        Assert.Equal(["n1"], t.NodesOf(t.Network("a")));
    }

    [Fact]
    public void Ssh_settings_merge_defaults_then_node_and_resolve_paths_against_the_file_and_home()
    {
        var t = Valid("""
            version: 1
            name: t
            defaults:
              ssh: { user: deploy, port: 2222, config_file: ./ssh_config, identity_file: ~/.ssh/id_ed25519, sudo: true }
            nodes:
              a: { address: 192.0.2.1 }
              b:
                address: 192.0.2.2
                ssh: { host: b.example.org, user: root, known_hosts_file: ../known_hosts, sudo: false }
              c: { connection: local }
            """);
        var a = t.Node("a");
        Assert.Equal(Connection.Ssh, a.Connection);
        Assert.Equal(new SshSettings("192.0.2.1", "deploy", 2222, "/home/alice/.ssh/id_ed25519", null, "/srv/topologies/ssh_config", true), a.Ssh);
        var b = t.Node("b");
        Assert.Equal(new SshSettings("b.example.org", "root", 2222, "/home/alice/.ssh/id_ed25519", "/srv/known_hosts", "/srv/topologies/ssh_config", false), b.Ssh);
        var c = t.Node("c");
        Assert.Equal(Connection.Local, c.Connection);
        Assert.Null(c.Address);
        Assert.Null(c.Ssh.Host);
    }

    [Fact]
    public void Ports_parse_both_compose_forms_with_ranges_protocols_and_host_addresses()
    {
        var t = Valid("""
            version: 1
            name: t
            nodes:
              n1: { address: 192.0.2.1 }
            networks:
              net: { subnet: 10.0.0.0/24 }
            sandboxes:
              s1:
                node: n1
                networks: [net]
                ports:
                  - "8080:80"
                  - "127.0.0.1:5000-5001:6000-6001/udp"
                  - "0.0.0.0:53:53/sctp"
                  - { target: 443, published: 8443 }
                  - { target: "7000-7002", published: "17000-17002", protocol: udp, host_ip: 192.0.2.1 }
            """);
        var ports = t.Sandbox("s1").Ports;
        Assert.Equal(5, ports.Count);
        Assert.Equal((null, 8080, 8080, 80, 80, PortProtocol.Tcp), Shape(ports[0]));
        Assert.Equal((IPAddress.Parse("127.0.0.1"), 5000, 5001, 6000, 6001, PortProtocol.Udp), Shape(ports[1]));
        Assert.Equal((null, 53, 53, 53, 53, PortProtocol.Sctp), Shape(ports[2]));
        Assert.Equal((null, 8443, 8443, 443, 443, PortProtocol.Tcp), Shape(ports[3]));
        Assert.Equal((IPAddress.Parse("192.0.2.1"), 17000, 17002, 7000, 7002, PortProtocol.Udp), Shape(ports[4]));
        Assert.Equal((12, 9), (ports[0].At.Line, ports[0].At.Column));
    }

    static (IPAddress?, int, int, int, int, PortProtocol) Shape(PortMapping p) =>
        (p.HostIp, p.HostStart, p.HostEnd, p.TargetStart, p.TargetEnd, p.Protocol);

    [Fact]
    public void Same_port_on_different_protocols_or_addresses_or_nodes_is_no_conflict()
    {
        Valid("""
            version: 1
            name: t
            nodes:
              n1: { address: 192.0.2.1 }
              n2: { address: 192.0.2.2 }
            networks:
              net: { subnet: 10.0.0.0/24 }
            sandboxes:
              a: { node: n1, networks: [net], ports: ["80:80", "127.0.0.1:81:80"] }
              b: { node: n1, networks: [net], ports: ["80:80/udp", "192.0.2.1:81:80"] }
              c: { node: n2, networks: [net], ports: ["80:80"] }
            """);
    }

    [Fact]
    public void Services_default_to_ingress_and_host_mode_publishes_only_on_backend_nodes()
    {
        var yaml = """
            version: 1
            name: t
            nodes:
              n1: { address: 192.0.2.1 }
              n2: { address: 192.0.2.2 }
            networks:
              net: { driver: overlay, subnet: 10.0.0.0/24 }
            sandboxes:
              a: { node: n1, networks: [net], ports: ["9000:80"] }
              b: { node: n2, networks: [net] }
            services:
              api: { network: net, backends: [b], ports: ["9000:80"] MODE }
            """;
        var t = Valid(yaml.Replace(" MODE", ", mode: host"));
        Assert.Equal(ServiceMode.Host, t.Services[0].Mode);
        // Ingress publishes on every node of the network, so it collides with sandbox a on n1.
        var error = SingleError(yaml.Replace(" MODE", ""), Codes.DuplicatePublishedPort);
        Assert.Equal(12, error.At.Line);
    }

    [Fact]
    public void All_errors_are_reported_at_once_sorted_by_position()
    {
        var result = Parse("""
            version: 1
            name: t
            nodes:
              n1: { address: 192.0.2.1 }
            networks:
              net: { subnet: 10.0.0.0/24, gateway: 10.9.0.1, colour: red }
            sandboxes:
              s1: { node: n2, networks: [net, nope] }
            """);
        Assert.Null(result.Topology);
        Assert.Equal([Codes.OutsideSubnet, Codes.UnknownKey, Codes.UnknownNode, Codes.UnknownNetwork], result.Diagnostics.Select(d => d.Code));
        Assert.Equal(result.Diagnostics.OrderBy(d => d.At.Line).ThenBy(d => d.At.Column), result.Diagnostics);
        Assert.Equal("/srv/topologies/topology.yml:6:40: error NP0203: gateway 10.9.0.1 is outside subnet 10.0.0.0/24 of network 'net'",
            result.Diagnostics[0].ToString());
    }

    [Fact]
    public void Unknown_keys_suggest_the_nearest_key_or_list_the_allowed_ones()
    {
        var near = SingleError(Minimal.Replace("net: { subnet: 10.0.0.0/24 }", "net: { subnet: 10.0.0.0/24, gatewy: 10.0.0.1 }"), Codes.UnknownKey);
        Assert.EndsWith("did you mean 'gateway'?", near.Message);
        var far = SingleError(Minimal.Replace("net: { subnet: 10.0.0.0/24 }", "net: { subnet: 10.0.0.0/24, colour: red }"), Codes.UnknownKey);
        Assert.Contains("expected one of: driver, subnet, gateway", far.Message);
    }

    [Fact]
    public void Duplicate_keys_are_errors_and_do_not_stop_the_other_checks()
    {
        var result = Parse(Minimal.Replace("name: t", "name: t\nname: u").Replace("net: { subnet: 10.0.0.0/24 }", "net: { subnet: 10.0.0.0/24, colour: red }"));
        Assert.Contains(result.Errors, d => d.Code == Codes.DuplicateKey && d.At.Line == 3 && d.At.Column == 1);
        Assert.Contains(result.Errors, d => d.Code == Codes.UnknownKey);
    }

    [Fact]
    public void Warnings_do_not_make_a_topology_invalid()
    {
        var result = Parse(Minimal + "\n  lonely: { node: n1 }\n");
        Assert.NotNull(result.Topology);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal((Severity.Warning, Codes.SandboxWithoutNetworks, 9), (warning.Severity, warning.Code, warning.At.Line));
    }

    [Fact]
    public void Ssh_settings_on_a_local_node_are_a_warning()
    {
        var result = Parse("version: 1\nname: t\nnodes:\n  me: { connection: local, ssh: { user: root } }\n");
        Assert.NotNull(result.Topology);
        Assert.Equal(Codes.SshOnLocalNode, Assert.Single(result.Diagnostics).Code);
    }

    [Theory]
    [InlineData("port: \"22\"", Codes.WrongType)]
    [InlineData("port: 22.5", Codes.WrongType)]
    [InlineData("port: 99999999999999999999999", Codes.WrongType)]
    [InlineData("sudo: yes", Codes.WrongType)]
    [InlineData("user: 42", Codes.WrongType)]
    [InlineData("user: \"a b\"", Codes.InvalidSshUser)]
    [InlineData("host: \"$(reboot)\"", Codes.InvalidSshHost)]
    [InlineData("host: \"a b\"", Codes.InvalidSshHost)]
    [InlineData("host: \"x|y\"", Codes.InvalidSshHost)]
    [InlineData("config_file: \"a\\nb\"", Codes.InvalidPath)]
    public void Ssh_values_are_typed_and_safe(string setting, string code)
    {
        SingleError(Minimal.Replace("n1: { address: 192.0.2.1 }", $"n1:\n    address: 192.0.2.1\n    ssh:\n      {setting}"), code);
    }

    [Theory]
    [InlineData("10.1", false)]
    [InlineData("010.0.0.1", false)]
    [InlineData("10.0.0.1 ", false)]
    [InlineData("1.2.3.4.5", false)]
    [InlineData("255.255.255.255", true)]
    [InlineData("0.0.0.0", true)]
    public void Ipv4_parsing_is_strict(string text, bool ok)
    {
        Assert.Equal(ok, Ipv4.TryParseAddress(text, out _));
    }

    [Theory]
    [InlineData("web", true)]
    [InlineData("a", true)]
    [InlineData("web-1", true)]
    [InlineData("abcdefghijabcdefghijabcdefghijab", true)]
    [InlineData("abcdefghijabcdefghijabcdefghijabc", false)]
    [InlineData("1web", false)]
    [InlineData("web-", false)]
    [InlineData("Web", false)]
    [InlineData("we.b", false)]
    [InlineData("", false)]
    public void Names_are_lowercase_dns_labels_of_at_most_32_characters(string name, bool ok)
    {
        Assert.Equal(ok, Lexical.IsName(name));
    }

    [Fact]
    public void Anchors_and_aliases_are_followed_and_extension_keys_ignored()
    {
        var t = Valid("""
            version: 1
            name: t
            x-ports: &web ["8080:80"]
            nodes:
              n1: { address: 192.0.2.1 }
            networks:
              net: { subnet: 10.0.0.0/24 }
            sandboxes:
              s1: { node: n1, networks: [net], ports: *web }
            """);
        Assert.Equal(8080, Assert.Single(t.Sandbox("s1").Ports).HostStart);
    }

    [Fact]
    public void Deeply_nested_input_is_a_located_syntax_error_not_a_crash()
    {
        var result = Parse("version: 1\nname: t\nnodes: " + new string('[', 5000));
        Assert.Null(result.Topology);
        Assert.All(result.Diagnostics, d => Assert.True(d.At.Line >= 1));
        Assert.Contains(result.Diagnostics, d => d.Code == Codes.YamlSyntax);
    }

    [Fact]
    public void A_missing_file_is_a_diagnostic_not_an_exception()
    {
        var result = TopologyLoader.Load("/nonexistent/topology.yml");
        Assert.Null(result.Topology);
        Assert.Equal(Codes.FileUnreadable, Assert.Single(result.Diagnostics).Code);
    }

    [Fact]
    public void Static_addresses_outside_ip_range_but_inside_the_subnet_are_allowed_and_reduce_nothing()
    {
        var t = Valid("""
            version: 1
            name: t
            nodes:
              n1: { address: 192.0.2.1 }
            networks:
              net: { subnet: 10.0.0.0/24, ip_range: 10.0.0.252/30, aux_addresses: { r: 10.0.0.2 } }
            sandboxes:
              a: { node: n1, networks: { net: { ipv4_address: 10.0.0.10 } } }
              b: { node: n1, networks: [net] }
              c: { node: n1, networks: [net] }
              d: { node: n1, networks: [net] }
            """);
        Assert.Equal(IPAddress.Parse("10.0.0.10"), t.Sandbox("a").Endpoints[0].Ipv4Address);
        Assert.Equal(IPAddress.Parse("10.0.0.2"), t.Network("net").AuxAddresses["r"]);
    }
}
