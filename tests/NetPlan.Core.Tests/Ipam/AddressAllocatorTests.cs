using System.Net;
using NetPlan.Core.Ipam;
using NetPlan.Core.Planning;
using NetPlan.Core.State;
using static NetPlan.Core.Tests.Planning.Fixtures;

namespace NetPlan.Core.Tests.Ipam;

public class AddressAllocatorTests
{
    private static string Ip(IpamResult result, string sandbox, string network) =>
        result.Addresses[new EndpointId(sandbox, network)].ToString();

    [Fact]
    public void Dynamic_addresses_are_lowest_free_skipping_network_gateway_aux_and_statics()
    {
        var topology = Topo("t", [Node("n")],
            [Bridge("front", "10.0.0.0/24", aux: new Dictionary<string, string> { ["router"] = "10.0.0.2" })],
            [Sandbox("a", "n", Ep("front")), Sandbox("s", "n", Ep("front", ip: "10.0.0.3")), Sandbox("b", "n", Ep("front"))]);

        var result = AddressAllocator.Allocate(topology, HeldAddresses.None);

        Assert.Empty(result.Errors);
        Assert.Equal("10.0.0.3", Ip(result, "s", "front"));
        Assert.Equal("10.0.0.4", Ip(result, "a", "front")); // .0 network, .1 gateway, .2 aux, .3 static
        Assert.Equal("10.0.0.5", Ip(result, "b", "front"));
    }

    [Fact]
    public void Dynamic_addresses_come_from_ip_range()
    {
        var topology = Topo("t", [Node("n")], [Bridge("front", "10.0.0.0/16", ipRange: "10.0.5.128/25")],
            [Sandbox("a", "n", Ep("front")), Sandbox("b", "n", Ep("front"))]);
        var result = AddressAllocator.Allocate(topology, HeldAddresses.None);
        Assert.Equal("10.0.5.128", Ip(result, "a", "front"));
        Assert.Equal("10.0.5.129", Ip(result, "b", "front"));
    }

    [Fact]
    public void Allocation_spans_nodes_per_network()
    {
        var topology = Mesh();
        var result = AddressAllocator.Allocate(topology, HeldAddresses.None);
        Assert.Equal(["10.20.0.2", "10.20.0.3", "10.20.0.4"], new[] { "sa", "sb", "sc" }.Select(s => Ip(result, s, "backbone")));
    }

    [Fact]
    public void Removing_a_sandbox_renumbers_nobody_and_adding_one_takes_the_free_address()
    {
        var three = Shop("web", "db", "cache");
        var first = AddressAllocator.Allocate(three, HeldAddresses.None);
        Assert.Equal("10.10.0.3", Ip(first, "db", "front"));

        // db goes away: web and cache keep what they hold.
        var two = Shop("web", "cache");
        var observed = HeldFrom(two, first, "web", "cache");
        var second = AddressAllocator.Allocate(two, observed);
        Assert.Equal("10.10.0.2", Ip(second, "web", "front"));
        Assert.Equal("10.10.0.4", Ip(second, "cache", "front"));

        // A new sandbox declared first still does not displace anyone: it gets the lowest free address.
        var again = Topo("shop", [Node("edge1")], [Bridge("front", "10.10.0.0/24")],
            [Sandbox("api", "edge1", Ep("front")), Sandbox("web", "edge1", Ep("front")), Sandbox("cache", "edge1", Ep("front"))]);
        var third = AddressAllocator.Allocate(again, HeldFrom(again, second, "web", "cache"));
        Assert.Equal("10.10.0.3", Ip(third, "api", "front"));
        Assert.Equal("10.10.0.2", Ip(third, "web", "front"));
        Assert.Equal("10.10.0.4", Ip(third, "cache", "front"));
    }

    [Fact]
    public void A_held_address_is_not_kept_when_invalid_or_claimed_by_a_static_or_an_earlier_endpoint()
    {
        var topology = Topo("shop", [Node("edge1")], [Bridge("front", "10.10.0.0/24", ipRange: "10.10.0.0/25")],
            [Sandbox("pin", "edge1", Ep("front", ip: "10.10.0.9")),
             Sandbox("a", "edge1", Ep("front")), Sandbox("b", "edge1", Ep("front")),
             Sandbox("c", "edge1", Ep("front")), Sandbox("d", "edge1", Ep("front"))]);
        var state = new HostState([
            Addr("a", "10.10.0.9/24"),   // now a static of 'pin'
            Addr("b", "10.10.0.50/24"),  // valid: kept
            Addr("c", "10.10.0.50/24"),  // already kept by b (declared earlier)
            Addr("d", "10.10.0.200/24"), // outside ip_range
            Addr("d", "10.10.1.7/24") with { Owner = "shop" }, // outside the subnet
        ]);
        var held = HeldAddresses.From(topology, new Dictionary<string, HostState> { ["edge1"] = state });

        var result = AddressAllocator.Allocate(topology, held);
        Assert.Equal("10.10.0.50", Ip(result, "b", "front"));
        Assert.Equal("10.10.0.2", Ip(result, "a", "front"));
        Assert.Equal("10.10.0.3", Ip(result, "c", "front"));
        Assert.Equal("10.10.0.4", Ip(result, "d", "front"));
    }

    [Fact]
    public void A_sandbox_moved_to_another_node_keeps_its_address()
    {
        var before = Mesh();
        var first = AddressAllocator.Allocate(before, HeldAddresses.None);
        var moved = before with { Sandboxes = [Sandbox("sz", "a", Ep("backbone")), .. before.Sandboxes.Select(s => s.Name == "sb" ? s with { Node = "c" } : s)] };
        var observed = new Dictionary<string, HostState>
        {
            ["b"] = new([new AddressObject("sb", "eth0", $"{first.Addresses[new EndpointId("sb", "backbone")]}/24") { Owner = "mesh" }]),
        };

        var second = AddressAllocator.Allocate(moved, HeldAddresses.From(moved, observed));
        Assert.Equal("10.20.0.3", Ip(second, "sb", "backbone"));
        Assert.Equal("10.20.0.2", Ip(second, "sz", "backbone"));
    }

    [Fact]
    public void Foreign_addresses_are_not_held()
    {
        var topology = Shop("web");
        var state = new HostState([new AddressObject("web", "eth0", "10.10.0.77/24") { Owner = null }]);
        var held = HeldAddresses.From(topology, new Dictionary<string, HostState> { ["edge1"] = state });
        Assert.Equal("10.10.0.2", Ip(AddressAllocator.Allocate(topology, held), "web", "front"));
    }

    [Fact]
    public void Exhaustion_is_an_error_naming_the_network()
    {
        // /29: .0 network, .1 gateway, .7 broadcast → 5 usable.
        var topology = Topo("t", [Node("n")], [Bridge("tiny", "10.0.0.0/29")],
            Enumerable.Range(0, 7).Select(i => Sandbox($"s{i}", "n", Ep("tiny"))));
        var result = AddressAllocator.Allocate(topology, HeldAddresses.None);

        var error = Assert.Single(result.Errors);
        Assert.Equal(PlanCodes.AddressesExhausted, error.Code);
        Assert.Contains("network 'tiny'", error.Message);
        Assert.Contains("2 endpoint(s)", error.Message);
        Assert.Equal("10.0.0.6", Ip(result, "s4", "tiny"));
    }

    [Fact]
    public void Duplicate_static_addresses_are_an_error()
    {
        var topology = Topo("t", [Node("n")], [Bridge("front", "10.0.0.0/24")],
            [Sandbox("a", "n", Ep("front", ip: "10.0.0.5")), Sandbox("b", "n", Ep("front", ip: "10.0.0.5"))]);
        var error = Assert.Single(AddressAllocator.Allocate(topology, HeldAddresses.None).Errors);
        Assert.Equal(PlanCodes.DuplicateAddress, error.Code);
        Assert.Contains("'a'", error.Message);
        Assert.Contains("'b'", error.Message);
    }

    private static AddressObject Addr(string sandbox, string cidr) => new(sandbox, "eth0", cidr) { Owner = "shop" };

    private static HeldAddresses HeldFrom(NetPlan.Core.Language.Topology topology, IpamResult result, params string[] sandboxes) =>
        HeldAddresses.From(topology, new Dictionary<string, HostState>
        {
            ["edge1"] = new(sandboxes.Select(s => (StateObject)Addr(s, $"{result.Addresses[new EndpointId(s, "front")]}/24")).ToList()),
        });
}
