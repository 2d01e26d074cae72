using NetPlan.Core.Planning;
using NetPlan.Core.State;
using NetPlan.Tests;

namespace NetPlan.Kernel.Tests.Agent;

public class OwnershipAndErrorTests
{
    [SkippableFact]
    public async Task Foreign_objects_are_observed_only_when_named_and_never_as_owned()
    {
        Privileged.Require();
        await using var f = new AgentFixture();
        var foreignNs = f.Sandbox();
        ThrowawayNamespace.Run("ip", "netns", "add", foreignNs); // exists, no mark: foreign
        ThrowawayNamespace.Run("ip", "-n", f.Host.Name, "link", "add", "npt-theirs", "type", "bridge");
        ThrowawayNamespace.Run("ip", "-n", f.Host.Name, "link", "add", "npt-other", "type", "bridge");
        ThrowawayNamespace.Run("ip", "-n", f.Host.Name, "link", "set", "npt-other", "alias", "netplan:other");
        ThrowawayNamespace.Run("ip", "-n", f.Host.Name, "link", "set", "npt-theirs", "up");
        ThrowawayNamespace.Run("ip", "-n", f.Host.Name, "route", "add", "10.77.0.0/16", "dev", "npt-theirs"); // not our protocol

        var observed = await f.Observe("mine", namespaces: [foreignNs, "nptest-missing-ns"], hostLinks: ["npt-theirs"]);

        Assert.Equal(["link:@host/npt-theirs", $"netns:{foreignNs}"], observed.Select(o => o.Key).ToArray());
        Assert.All(observed, o => Assert.Null(o.Owner));
        var other = await f.Observe("mine", hostLinks: ["npt-other"]);
        Assert.Equal("other", Assert.Single(other).Owner);
    }

    [SkippableFact]
    public async Task A_refused_operation_names_the_object_the_operation_and_the_kernels_words()
    {
        Privileged.Require();
        await using var f = new AgentFixture();
        ThrowawayNamespace.Run("ip", "-n", f.Host.Name, "link", "add", "npt-br0", "type", "bridge");
        var bridge = new LinkObject("", "npt-br0", LinkKind.Bridge) { Owner = "t3" };
        var veth = new LinkObject("", "npt-ve0", LinkKind.Veth) { Owner = "t3", Master = "npt-nope", Peer = new VethPeer("", "npt-ve0p") };

        var exists = await Assert.ThrowsAsync<ApplyException>(() => f.Apply(AgentFixture.CreateAll([bridge])));
        var missingMaster = await Assert.ThrowsAsync<ApplyException>(() => f.Apply(AgentFixture.CreateAll([veth])));
        var badCidr = await Assert.ThrowsAsync<ApplyException>(() => f.Apply(AgentFixture.CreateAll([new AddressObject("", "npt-br0", "10.0.0.1")])));

        Assert.Equal("creating bridge npt-br0: File exists", exists.Message);
        Assert.Equal(0, exists.Index);
        Assert.Same(bridge, exists.Operation.After);
        Assert.Equal("creating veth npt-ve0 (peer host/npt-ve0p): master: no link named npt-nope", missingMaster.Message.Split(": No such device")[0]);
        Assert.Equal("creating address:@host/npt-br0/10.0.0.1: '10.0.0.1' is not an address in CIDR form (like 10.10.0.10/24)", badCidr.Message);
    }

    [SkippableFact]
    public async Task Operations_implied_by_another_are_not_executed()
    {
        Privileged.Require();
        await using var f = new AgentFixture();
        var address = new AddressObject("", "npt-gone", "10.5.0.1/24") { Owner = "t3" };

        // The link does not exist: executing the delete would fail; implied, it is skipped.
        var result = await f.Apply(new Operation(ChangeAction.Delete, address, null) { ImpliedBy = "link:@host/npt-gone" });

        Assert.Equal(0, result.Executed);
    }

    [SkippableFact]
    public async Task A_whole_owned_group_is_deleted_at_once_and_a_foreign_member_forces_one_by_one()
    {
        Privileged.Require();
        await using var f = new AgentFixture();
        var group = Ownership.LinkGroup("t4");
        var links = Enumerable.Range(0, 4).Select(i => new LinkObject("", $"npt-g{i}", LinkKind.Veth)
        {
            Owner = "t4", Alias = Ownership.LinkAlias("t4"), Group = group, Mtu = 1500, Mac = $"02:42:00:00:00:0{i}",
            Peer = new VethPeer("", $"npt-g{i}p") { Mtu = 1500, Mac = $"02:42:00:00:01:0{i}" },
        }).ToList();
        await f.Apply(AgentFixture.CreateAll(links));
        // Both ends of each pair are in the host: the pair observes back as the one object it was created as.
        Assert.Equal(AgentFixture.Sorted(links), await f.Observe("t4"));
        // A foreign link that happens to carry the same group number.
        ThrowawayNamespace.Run("ip", "-n", f.Host.Name, "link", "add", "npt-foreign", "group", group.ToString(), "type", "bridge");

        var deleteTwo = links.Take(2).Select(l => new Operation(ChangeAction.Delete, l, null)).ToArray();
        Assert.Equal(2, (await f.Apply(deleteTwo)).Executed);
        Assert.Contains("npt-foreign", f.Host.Exec("ip", "-o", "link"));

        ThrowawayNamespace.Run("ip", "-n", f.Host.Name, "link", "del", "npt-foreign");
        var deleteRest = links.Skip(2).Select(l => new Operation(ChangeAction.Delete, l, null)).ToArray();
        Assert.Equal(2, (await f.Apply(deleteRest)).Executed);

        Assert.Equal(new[] { "lo" }, f.HostJson("link", "show").EnumerateArray().Select(l => l.GetProperty("ifname").GetString()!).ToArray());
    }
}
