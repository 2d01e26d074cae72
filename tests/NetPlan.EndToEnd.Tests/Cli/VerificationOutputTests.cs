using NetPlan.Cli.Engine;
using NetPlan.Core.Planning;
using NetPlan.Core.State;

namespace NetPlan.EndToEnd.Tests.Cli;

public class VerificationOutputTests
{
    [Fact]
    public void A_residual_difference_is_reported_by_object_attribute_path_and_both_values()
    {
        var observed = new LinkObject("", "br-x", LinkKind.Bridge) { Owner = "shop", Mtu = 1500, Up = false };
        var desired = observed with { Mtu = 1450, Up = true };
        var residual = new PlanResult(
            [new HostPlan("a", [new Operation(ChangeAction.Update, observed, desired) { Changed = ["mtu", "up"] },
                                new Operation(ChangeAction.Create, null, new AddressObject("", "br-x", "10.1.0.1/24") { Owner = "shop" })], "fp")],
            [], new Dictionary<string, HostState>());
        var stderr = new StringWriter();

        var verified = new PlanOutput(new StringWriter(), stderr, json: false, colour: false).Verification(residual);

        Assert.False(verified);
        Assert.Equal(
            "verification: node 'a': link @host/br-x (bridge) differs (observed → desired): mtu 1500 → 1450, up false → true\n" +
            "verification: node 'a': address @host/br-x/10.1.0.1/24 is missing\n",
            stderr.ToString().Replace("\r\n", "\n"));
    }

    [Fact]
    public void A_host_rolled_back_is_compared_with_its_first_observation_owned_objects_by_key_and_path()
    {
        var bridge = new LinkObject("", "br-x", LinkKind.Bridge) { Owner = "shop", Mtu = 1500 };
        var foreign = new LinkObject("", "eth9", LinkKind.Bridge) { Mtu = 1500 };
        var before = new HostState([bridge, foreign, new SysctlObject("", "net.ipv4.ip_forward", "0")]);
        var after = new HostState([bridge with { Mtu = 1400 }, foreign with { Mtu = 9000 }, new SysctlObject("", "net.ipv4.ip_forward", "1"),
            new NamespaceObject("web") { Owner = "shop" }]);

        var (owned, others) = RollbackProof.Compare("shop", before, after);

        Assert.Equal(["link:@host/br-x differs (mtu)", "sysctl:@host/net.ipv4.ip_forward differs (value)", "netns:web was left behind"], owned);
        Assert.Equal(["link:@host/eth9 differs (mtu)"], others);
        var same = RollbackProof.Compare("shop", before, before);
        Assert.Empty(same.Owned);
        Assert.Empty(same.Foreign);
    }
}
