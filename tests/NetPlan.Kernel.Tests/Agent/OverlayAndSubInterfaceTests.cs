using NetPlan.Core.Planning;
using NetPlan.Core.State;
using NetPlan.Tests;

namespace NetPlan.Kernel.Tests.Agent;

public class OverlayAndSubInterfaceTests
{
    private const string Topology = "t2";
    private static readonly uint Group = Ownership.LinkGroup(Topology);

    /// <summary>An "underlay NIC" in the throwaway host: a veth end with a documentation address (foreign: no mark).</summary>
    private static void AddUnderlay(AgentFixture f)
    {
        ThrowawayNamespace.Run("ip", "-n", f.Host.Name, "link", "add", "npt-under", "type", "veth", "peer", "name", "npt-under-p");
        ThrowawayNamespace.Run("ip", "-n", f.Host.Name, "addr", "add", "192.0.2.1/24", "dev", "npt-under");
        ThrowawayNamespace.Run("ip", "-n", f.Host.Name, "link", "set", "npt-under", "up");
    }

    [SkippableFact]
    public async Task Overlay_vxlan_with_fdb_and_neighbours_observes_back_equal()
    {
        Privileged.Require();
        await using var f = new AgentFixture();
        AddUnderlay(f);
        List<StateObject> desired =
        [
            new LinkObject("", "npt-ov0", LinkKind.Bridge) { Owner = Topology, Mtu = 1450, Mac = "02:42:0a:14:00:01", Up = true, Alias = Ownership.LinkAlias(Topology), Group = Group },
            new LinkObject("", "npt-vx0", LinkKind.Vxlan)
            {
                Owner = Topology, Master = "npt-ov0", Mtu = 1450, Mac = "02:42:0a:14:00:02", Up = true, Alias = Ownership.LinkAlias(Topology, "vx"), Group = Group,
                Vxlan = new VxlanInfo(4097, "192.0.2.1", 4789, Learning: false) { UnderlayLink = "npt-under", Ttl = 64, Proxy = true },
            },
            new FdbObject("", "npt-vx0", "00:00:00:00:00:00", "198.51.100.2") { Owner = Topology },
            new FdbObject("", "npt-vx0", "00:00:00:00:00:00", "198.51.100.3") { Owner = Topology },
            new FdbObject("", "npt-vx0", "02:42:0a:14:00:0b", "198.51.100.2") { Owner = Topology },
            new NeighbourObject("", "npt-vx0", "10.20.0.11", "02:42:0a:14:00:0b") { Owner = Topology },
        ];

        await f.Apply(AgentFixture.CreateAll(desired));
        var observed = await f.Observe(Topology, hostLinks: ["npt-under"]);

        var underlay = Assert.IsType<LinkObject>(observed.Single(o => o.Key == "link:@host/npt-under"));
        Assert.Null(underlay.Owner);
        var underlayAddress = Assert.IsType<AddressObject>(observed.Single(o => o is AddressObject));
        Assert.Equal(("npt-under", "192.0.2.1/24", (string?)null), (underlayAddress.Link, underlayAddress.Cidr, underlayAddress.Owner));
        Assert.Equal(AgentFixture.Sorted(desired), observed.Where(o => o.Owner is not null).ToList());

        var vx = f.HostJson("-d", "link", "show", "npt-vx0")[0].GetProperty("linkinfo").GetProperty("info_data");
        Assert.Equal(4097, vx.GetProperty("id").GetInt32());
        Assert.Equal(4789, vx.GetProperty("port").GetInt32());
        Assert.False(vx.GetProperty("learning").GetBoolean());
        var fdb = AgentFixture.Json("bridge", "-n", f.Host.Name, "-j", "fdb", "show", "dev", "npt-vx0");
        Assert.Equal(3, fdb.EnumerateArray().Count(e => e.TryGetProperty("dst", out _)));
        var neigh = f.HostJson("neigh", "show", "dev", "npt-vx0")[0];
        Assert.Equal("02:42:0a:14:00:0b", neigh.GetProperty("lladdr").GetString());

        // Delete one flood entry and the neighbour; the rest stays.
        await f.Apply(
            new Operation(ChangeAction.Delete, desired[3], null),
            new Operation(ChangeAction.Delete, desired[5], null));
        var after = await f.Observe(Topology);
        Assert.Equal(AgentFixture.Sorted(desired.Where(o => o != desired[3] && o != desired[5])), after);
    }

    [SkippableFact]
    public async Task A_duplicate_vni_is_reported_with_the_kernels_words()
    {
        Privileged.Require();
        await using var f = new AgentFixture();
        var first = new LinkObject("", "npt-vx1", LinkKind.Vxlan) { Owner = Topology, Vxlan = new VxlanInfo(4097, null, 4789, false) };
        var second = first with { Name = "npt-vx2" };

        var error = await Assert.ThrowsAsync<ApplyException>(() => f.Apply(AgentFixture.CreateAll([first, second])));

        Assert.Equal(1, error.Index);
        Assert.StartsWith("creating vxlan npt-vx2 (vni 4097): File exists (kernel: ", error.Message);
    }

    [SkippableFact]
    public async Task Macvlan_in_a_sandbox_on_a_host_parent_observes_back_equal()
    {
        Privileged.Require();
        await using var f = new AgentFixture();
        AddUnderlay(f);
        var sandbox = f.Sandbox();
        List<StateObject> desired =
        [
            new NamespaceObject(sandbox) { Owner = Topology, LoopbackUp = true },
            new LinkObject(sandbox, "eth0", LinkKind.Macvlan)
            {
                Owner = Topology, Mtu = 1500, Mac = "02:42:c0:00:02:0a", Up = true,
                SubInterface = new SubInterfaceInfo("npt-under", "bridge"),
            },
            new AddressObject(sandbox, "eth0", "192.0.2.10/24") { Owner = Topology },
            new NeighbourObject(sandbox, "eth0", "192.0.2.20", "02:42:c0:00:02:14") { Owner = Topology },
        ];

        await f.Apply(AgentFixture.CreateAll(desired));

        Assert.Equal(AgentFixture.Sorted(desired), await f.Observe(Topology, namespaces: [sandbox]));
        Assert.Equal("PERMANENT", AgentFixture.SandboxJson(sandbox, "neigh", "show", "dev", "eth0")[0].GetProperty("state")[0].GetString());
        var eth0 = AgentFixture.SandboxJson(sandbox, "-d", "link", "show", "eth0")[0];
        Assert.Equal("bridge", eth0.GetProperty("linkinfo").GetProperty("info_data").GetProperty("mode").GetString());
    }

    [SkippableFact]
    public async Task Ipvlan_in_a_sandbox_is_created_or_the_kernel_says_it_lacks_it()
    {
        Privileged.Require();
        await using var f = new AgentFixture();
        AddUnderlay(f);
        var sandbox = f.Sandbox();
        List<StateObject> desired =
        [
            new NamespaceObject(sandbox) { Owner = Topology, LoopbackUp = true },
            new LinkObject(sandbox, "eth0", LinkKind.Ipvlan) { Owner = Topology, Mtu = 1500, Up = true, SubInterface = new SubInterfaceInfo("npt-under", "l2") },
        ];

        try
        {
            await f.Apply(AgentFixture.CreateAll(desired));
        }
        catch (ApplyException e) when (e.InnerException is KernelException { IsNotSupported: true } k)
        {
            Assert.StartsWith($"creating ipvlan {sandbox}/eth0: Operation not supported", e.Message);
            Privileged.SkipWhenKernelLacks("ipvlan", k);
        }
        // An ipvlan shares its parent's MAC: the observed object carries it.
        var mac = f.HostJson("link", "show", "npt-under")[0].GetProperty("address").GetString();
        Assert.Equal(AgentFixture.Sorted(desired.Select(o => o is LinkObject l ? l with { Mac = mac } : o)), await f.Observe(Topology, namespaces: [sandbox]));
    }
}
