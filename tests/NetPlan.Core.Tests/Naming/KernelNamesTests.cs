using System.Text;
using NetPlan.Core.Naming;
using NetPlan.Core.Language;
using static NetPlan.Core.Tests.Planning.Fixtures;

namespace NetPlan.Core.Tests.Naming;

public class KernelNamesTests
{
    [Theory]
    [InlineData("front")]
    [InlineData("a")]
    [InlineData("a-very-long-network-name-that-goes-on-and-on")]
    [InlineData("UPPER_and.dots")]
    public void Derived_names_fit_ifnamsiz_use_safe_characters_and_start_with_np(string readable)
    {
        foreach (var prefix in new[] { KernelNames.BridgePrefix, KernelNames.VxlanPrefix, KernelNames.VethPrefix })
        {
            var name = KernelNames.Derive("shop", prefix, readable, readable);
            Assert.InRange(Encoding.UTF8.GetByteCount(name), 1, KernelNames.MaxLength);
            Assert.StartsWith("np", name);
            Assert.Matches("^[a-z0-9-]+$", name);
        }
    }

    [Fact]
    public void A_name_shows_kind_and_readable_part_of_the_user_name()
    {
        var name = KernelNames.Derive("shop", KernelNames.BridgePrefix, "front-end", "front-end");
        Assert.Matches("^npbfront-[0-9a-z]{6}$", name);
    }

    [Fact]
    public void Names_are_stable_and_depend_on_topology_and_identity()
    {
        var a = KernelNames.Derive("shop", "npb", "front", "front");
        Assert.Equal(a, KernelNames.Derive("shop", "npb", "front", "front"));
        Assert.NotEqual(a, KernelNames.Derive("shop2", "npb", "front", "front"));
        Assert.NotEqual(a, KernelNames.Derive("shop", "npb", "front", "front2"));
        Assert.NotEqual(a, KernelNames.Derive("shop", "npb", "front", "front", salt: 1));
    }

    [Fact]
    public void Five_thousand_sandboxes_get_distinct_veth_names()
    {
        var sandboxes = Enumerable.Range(0, 5000).Select(i => Sandbox($"sandbox-{i:D4}", "edge1", Ep("front"), Ep("back"))).ToList();
        var topology = Topo("big", [Node("edge1")], [Bridge("front", "10.0.0.0/16"), Bridge("back", "10.1.0.0/16")], sandboxes);
        var table = NameTable.For(topology);

        var names = sandboxes.SelectMany(s => new[] { table.Veth(s.Name, "front"), table.Veth(s.Name, "back") }).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(names, n => Assert.InRange(n.Length, 1, KernelNames.MaxLength));
        Assert.Equal(table.All.Count(), table.All.Distinct().Count());
        // 10 000 names sharing the readable part "sandb": 30 bits of hash make a first-choice
        // collision unlikely (≈5%), so the salted retry is the rare path, not the common one.
        Assert.InRange(table.Collisions, 0, 1);
    }

    [Fact]
    public void Collisions_are_resolved_deterministically_in_declared_order()
    {
        // A derivation that collides for every first choice: the table must still hand out distinct names.
        static string Colliding(string topology, string prefix, string readable, string identity, int salt) =>
            salt == 0 ? prefix + "same-000000" : KernelNames.Derive(topology, prefix, readable, identity, salt);

        var topology = Topo("shop", [Node("edge1")], [Bridge("front", "10.10.0.0/24")],
            [Sandbox("web", "edge1", Ep("front")), Sandbox("db", "edge1", Ep("front")), Sandbox("cache", "edge1", Ep("front"))]);
        var first = NameTable.Build(topology, Colliding);
        var second = NameTable.Build(topology, Colliding);

        // The first declared object of each kind keeps the first choice; later ones are salted.
        Assert.Equal("npbsame-000000", first.Bridge("front"));
        Assert.Equal("npvsame-000000", first.Veth("web", "front"));
        var veths = new[] { "web", "db", "cache" }.Select(s => first.Veth(s, "front")).ToList();
        Assert.Equal(3, veths.Distinct().Count());
        Assert.Equal(2, first.Collisions);
        Assert.Equal(veths, new[] { "web", "db", "cache" }.Select(s => second.Veth(s, "front")));
    }

    [Fact]
    public void Appending_a_sandbox_renames_nothing()
    {
        var before = NameTable.For(Shop("web", "db"));
        var after = NameTable.For(Shop("web", "db", "cache"));
        Assert.Equal(before.Bridge("front"), after.Bridge("front"));
        Assert.Equal(before.Veth("web", "front"), after.Veth("web", "front"));
        Assert.Equal(before.Veth("db", "front"), after.Veth("db", "front"));
    }

    [Fact]
    public void Macs_are_docker_style_from_the_ipv4_address()
    {
        Assert.Equal("02:42:0a:0a:00:0a", MacAddresses.FromIpv4(System.Net.IPAddress.Parse("10.10.0.10")));
        Assert.Equal("02:42:ac:11:00:02", MacAddresses.Normalize("02-42-AC-11-00-02"));
    }

    [Fact]
    public void Vnis_are_derived_in_range_unique_and_explicit_ones_win()
    {
        var overlays = Enumerable.Range(0, 300).Select(i => Overlay($"ov{i}", $"10.{i / 250}.{i % 250}.0/24")).ToList();
        var derivedFirst = Vnis.Derive("t", "ov0");
        overlays.Add(Overlay("pinned", "10.9.0.0/24", vni: (int)derivedFirst)); // steals ov0's first choice
        var topology = Topo("t", [Node("a", "198.51.100.1")], overlays, []);

        var vnis = Vnis.Assign(topology);
        Assert.Equal(301, vnis.Values.Distinct().Count());
        Assert.All(vnis.Values, v => Assert.InRange(v, Vnis.Min, Vnis.Max));
        Assert.Equal(derivedFirst, vnis["pinned"]);
        Assert.NotEqual(derivedFirst, vnis["ov0"]);
        Assert.Equal(vnis, Vnis.Assign(topology));
    }
}
