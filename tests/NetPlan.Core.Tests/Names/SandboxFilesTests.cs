using System.Net;
using NetPlan.Core.Names;
using NetPlan.Core.State;
using NetPlan.Core.Language;

namespace NetPlan.Core.Tests.Names;

public class SandboxFilesTests
{
    // front: web, api ; back: api, db ; web and db share nothing.
    private static readonly NetPlan.Core.Language.Topology Shop = new(
        "shop", 1,
        [new Node("n1", IPAddress.Parse("192.0.2.11"), Connection.Local, new SshSettings(null, null, null, null, null, null, false), SourceSpan.None)],
        [Net("front", "10.10.0.0/24"), Net("back", "10.20.0.0/24")],
        [
            Box("web", [Ep("front", "eth0", "www")]),
            Box("api", [Ep("front", "eth0", "api-front"), Ep("back", "eth1", "api-back")], hostname: "api-1"),
            Box("db", [Ep("back", "eth0", "database")], dns: ["198.51.100.53"], search: ["corp.example"]),
        ],
        [], "shop.yml");

    private static readonly Dictionary<(string, string), IPAddress> Addresses = new()
    {
        [("web", "front")] = IPAddress.Parse("10.10.0.10"),
        [("api", "front")] = IPAddress.Parse("10.10.0.11"),
        [("api", "back")] = IPAddress.Parse("10.20.0.11"),
        [("db", "back")] = IPAddress.Parse("10.20.0.12"),
    };

    private static IPAddress? AddressOf(string sandbox, string network) => Addresses[(sandbox, network)];

    [Fact]
    public void A_sandbox_sees_the_peers_of_its_networks_with_their_aliases_and_nothing_else()
    {
        var hosts = SandboxFiles.Hosts(Shop, Shop.Sandbox("web"), AddressOf);

        Assert.Equal(
            "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n" +
            "10.10.0.10\tweb www\n" +
            "10.10.0.11\tapi api-front\n",
            hosts);
        Assert.DoesNotContain("db", hosts);
        Assert.DoesNotContain("api-back", hosts);
    }

    [Fact]
    public void A_sandbox_between_others_on_its_one_network_lists_itself_first_then_the_rest_in_order()
    {
        var lan = new NetPlan.Core.Language.Topology("lan", 1, Shop.Nodes, [Net("front", "10.10.0.0/24")],
            [Box("a", [Ep("front", "eth0", "alpha")]), Box("b", [Ep("front", "eth0", "beta")], hostname: "b-1"), Box("c", [Ep("front", "eth0", "gamma")])],
            [], "lan.yml");
        IPAddress At(string sandbox, string network) => IPAddress.Parse(sandbox switch { "a" => "10.10.0.2", "b" => "10.10.0.3", _ => "10.10.0.4" });

        Assert.Equal(
            "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n" +
            "10.10.0.3\tb-1 b beta\n" +
            "10.10.0.2\ta alpha\n" +
            "10.10.0.4\tc gamma\n",
            SandboxFiles.Hosts(lan, lan.Sandbox("b"), At));
        Assert.Equal(
            "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n" +
            "10.10.0.4\tc gamma\n" +
            "10.10.0.2\ta alpha\n" +
            "10.10.0.3\tb beta\n",
            SandboxFiles.Hosts(lan, lan.Sandbox("c"), At));
    }

    [Fact]
    public void A_sandbox_on_two_networks_sees_each_peer_at_the_address_of_the_shared_network()
    {
        var hosts = SandboxFiles.Hosts(Shop, Shop.Sandbox("api"), AddressOf);

        Assert.Contains("10.10.0.11\tapi-1 api api-front\n", hosts);
        Assert.Contains("10.20.0.11\tapi-1 api api-back\n", hosts);
        Assert.Contains("10.10.0.10\tweb www\n", hosts);
        Assert.Contains("10.20.0.12\tdb database\n", hosts);
    }

    [Fact]
    public void Resolv_conf_uses_dns_and_search_when_given()
    {
        Assert.Equal(
            "nameserver 198.51.100.53\nsearch corp.example\noptions ndots:0\n",
            SandboxFiles.ResolvConf(Shop.Sandbox("db"), [IPAddress.Parse("203.0.113.1")]));
    }

    [Fact]
    public void Resolv_conf_defaults_to_the_hosts_resolvers_without_loopback_ones()
    {
        var text = SandboxFiles.ResolvConf(Shop.Sandbox("web"),
            [IPAddress.Parse("127.0.0.53"), IPAddress.Parse("203.0.113.1"), IPAddress.IPv6Loopback]);

        Assert.Equal("nameserver 203.0.113.1\noptions ndots:0\n", text);
    }

    [Fact]
    public void Files_are_owned_marked_and_per_sandbox_of_the_node()
    {
        var files = Shop.Sandboxes.SelectMany(s => SandboxFiles.For(Shop, s, AddressOf, [])).ToList();

        Assert.Equal(9, files.Count);
        Assert.All(files, f => Assert.Equal("shop", f.Owner));
        Assert.All(files, f => Assert.Equal("shop", Ownership.OwnerFromFile(f.Content)));
        Assert.Contains(files, f => f.Path == "/etc/netns/api/hostname" && f.Content.ToString().EndsWith("\napi-1\n"));
        Assert.Equal(files.Select(f => f.Path), Shop.Sandboxes.SelectMany(s => SandboxFiles.PathsOf(s.Name)));
    }

    [Fact]
    public void A_hosts_file_the_node_already_holds_is_that_same_content_and_any_other_is_a_new_one()
    {
        var peers = new NetworkPeers(Shop, AddressOf);
        var first = SandboxFiles.For(peers, Shop.Sandbox("web"), [], ObservedFiles.None).First();
        FileText held = first.Content.ToString(); // an equal copy, as the observer reads it from disk

        var again = SandboxFiles.For(peers, Shop.Sandbox("web"), [], new ObservedFiles(new Dictionary<string, FileText> { [first.Path] = held })).First();
        FileText edited = held + "10.10.0.99\tintruder\n";
        var repaired = SandboxFiles.For(peers, Shop.Sandbox("web"), [], new ObservedFiles(new Dictionary<string, FileText> { [first.Path] = edited })).First();

        Assert.Same(held, again.Content);
        Assert.Equal(first.Content, repaired.Content);
        Assert.NotEqual(edited, repaired.Content);
    }

    [Fact]
    public void File_content_is_equal_by_its_bytes_and_invalid_utf8_is_held_replaced()
    {
        FileText text = "10.10.0.2\tweb\n";
        Assert.Equal(text, FileText.Copy("10.10.0.2\tweb\n"u8));
        Assert.Equal(text.GetHashCode(), FileText.Copy("10.10.0.2\tweb\n"u8).GetHashCode());
        Assert.NotEqual(text, FileText.Copy("10.10.0.2\tweb \n"u8));

        var mangled = FileText.Own(new byte[] { (byte)'a', 0xFF, (byte)'b' });
        Assert.Equal("a\uFFFDb", mangled.ToString());
        Assert.Equal("a\uFFFDb"u8.ToArray(), mangled.Utf8Bytes.ToArray());
    }

    [Fact]
    public void File_content_travels_as_a_json_string_escapes_included()
    {
        var file = new FileObject("/etc/netns/web/hosts", "# mark\n10.0.0.1\t\"quoted\" \\ é\n") { Owner = "shop" };
        var json = System.Text.Json.JsonSerializer.Serialize<StateObject>(file, StateJson.Default.StateObject);
        Assert.Contains("\"content\":\"# mark\\n10.0.0.1\\t\\u0022quoted\\u0022 \\\\ \\u00E9\\n\"", json);
        Assert.Equal(file, System.Text.Json.JsonSerializer.Deserialize(json, StateJson.Default.StateObject));
    }

    private static Network Net(string name, string subnet)
    {
        var net = IPNetwork.Parse(subnet);
        var gw = net.BaseAddress.GetAddressBytes(); gw[3] = 1;
        return new Network(name, Driver.Bridge, net, new IPAddress(gw), net, new Dictionary<string, IPAddress>(),
            false, true, true, null, null, null, null, null, SourceSpan.None);
    }

    private static Endpoint Ep(string network, string ifname, params string[] aliases) =>
        new(network, ifname, null, aliases, null, SourceSpan.None);

    private static Sandbox Box(string name, Endpoint[] endpoints, string? hostname = null, string[]? dns = null, string[]? search = null) =>
        new(name, "n1", hostname ?? name, endpoints, [], (dns ?? []).Select(IPAddress.Parse).ToList(), search ?? [], SourceSpan.None);
}
