using NetPlan.Core.Planning;
using NetPlan.Core.State;

namespace NetPlan.Core.Tests.Planning;

public class UndoTests
{
    private static readonly NamespaceObject Web = new("web") { Owner = "shop", LoopbackUp = true };
    private static readonly LinkObject Veth = new("", "npv-web", LinkKind.Veth) { Owner = "shop", Peer = new VethPeer("web", "eth0") };
    private static readonly AddressObject Address = new("web", "eth0", "10.1.0.2/24") { Owner = "shop" };

    [Fact]
    public void Each_action_is_inverted_and_the_undo_runs_last_first()
    {
        var bridge = new LinkObject("", "npb", LinkKind.Bridge) { Owner = "shop", Mtu = 1500 };
        var plan = new[]
        {
            new Operation(ChangeAction.Create, null, Web),
            new Operation(ChangeAction.Update, bridge, bridge with { Mtu = 1450 }) { Changed = ["mtu"] },
            new Operation(ChangeAction.Replace, Address, Address with { Cidr = "10.2.0.2/24" }),
            new Operation(ChangeAction.Delete, Veth, null),
        };

        var undo = Undo.Of(plan);

        Assert.Equal([ChangeAction.Create, ChangeAction.Replace, ChangeAction.Update, ChangeAction.Delete], undo.Select(o => o.Action));
        Assert.Same(Veth, undo[0].After);
        Assert.Equal(("10.2.0.2/24", "10.1.0.2/24"), (((AddressObject)undo[1].Before!).Cidr, ((AddressObject)undo[1].After!).Cidr));
        Assert.Equal((1450, 1500), (((LinkObject)undo[2].Before!).Mtu, ((LinkObject)undo[2].After!).Mtu));
        Assert.Equal(["mtu"], undo[2].Changed);
        Assert.Same(Web, undo[3].Before);
    }

    [Fact]
    public void Undoing_a_namespace_deletion_recreates_it_before_what_vanished_with_it_and_nothing_is_implied()
    {
        // Plan order deletes dependents first; the veth and the address went with the namespace.
        var plan = new[]
        {
            new Operation(ChangeAction.Delete, Address, null) { ImpliedBy = Web.Key },
            new Operation(ChangeAction.Delete, Veth, null) { ImpliedBy = Web.Key },
            new Operation(ChangeAction.Delete, Web, null),
        };

        var undo = Undo.Of(plan);

        Assert.Equal([Web.Key, Veth.Key, Address.Key], undo.Select(o => o.Key));
        Assert.All(undo, o => Assert.Equal(ChangeAction.Create, o.Action));
        Assert.All(undo, o => Assert.Null(o.ImpliedBy));
        // Undoing the undo is the plan again, now executed rather than implied.
        Assert.Equal(plan.Select(o => o with { ImpliedBy = null }), Undo.Of(undo));
    }
}
