using NetPlan.Core.Planning;
using NetPlan.Core.State;
using NetPlan.Tests;

namespace NetPlan.Kernel.Tests.Agent;

/// <summary>
/// Issue 8: what a crash between a link's NEWLINK (which sets its group) and the SETLINK that adds
/// its alias leaves is observed as the topology's own link with its alias to repair — not as a
/// foreign link in the way. A link without an alias in another group stays foreign.
/// </summary>
public class InterruptedCreateTests
{
    [SkippableFact]
    public async Task A_link_in_the_topologys_group_without_an_alias_is_ours_and_an_update_repairs_it()
    {
        Privileged.Require();
        await using var f = new AgentFixture();
        var group = Ownership.LinkGroup("t8").ToString();
        ThrowawayNamespace.Run("ip", "-n", f.Host.Name, "link", "add", "npt-half", "type", "bridge");
        ThrowawayNamespace.Run("ip", "-n", f.Host.Name, "link", "set", "npt-half", "group", group);
        ThrowawayNamespace.Run("ip", "-n", f.Host.Name, "link", "add", "npt-foreign", "type", "bridge");
        ThrowawayNamespace.Run("ip", "-n", f.Host.Name, "link", "set", "npt-foreign", "group", "7");

        var observed = await f.Observe("t8", hostLinks: ["npt-half", "npt-foreign"]);
        var half = Assert.IsType<LinkObject>(Assert.Single(observed, o => o.Key.EndsWith("npt-half")));
        Assert.Equal("t8", half.Owner);
        Assert.Null(half.Alias);
        Assert.Null(Assert.Single(observed, o => o.Key.EndsWith("npt-foreign")).Owner);
        // Unnamed by the scope (e.g. for destroy), it is still found: nothing leaks.
        Assert.Contains(await f.Observe("t8"), o => o.Key.EndsWith("npt-half"));
        // Another topology does not see it as its own.
        Assert.DoesNotContain(await f.Observe("t9"), o => o.Key.EndsWith("npt-half"));

        await f.Apply(new Operation(ChangeAction.Update, half, half with { Alias = "netplan:t8/net" }));
        var repaired = Assert.IsType<LinkObject>(Assert.Single(await f.Observe("t8", hostLinks: ["npt-half"])));
        Assert.Equal("netplan:t8/net", repaired.Alias);
    }
}
