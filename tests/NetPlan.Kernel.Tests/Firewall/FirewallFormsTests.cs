using NetPlan.Agent.Firewall;
using NetPlan.Core.State;
using NetPlan.Kernel.Nftables;
using NetPlan.Kernel.Nftables.Expressions;

namespace NetPlan.Kernel.Tests.Firewall;

/// <summary>The agent's translation between the Core's rule text and the kernel library's bytecode (no root).</summary>
public class FirewallFormsTests
{
    [Theory]
    [MemberData(nameof(FirewallCombinations.Names), MemberType = typeof(FirewallCombinations))]
    public void Every_compiled_rule_compiles_to_bytecode_that_decompiles_to_the_same_text(string combination)
    {
        foreach (var table in FirewallCombinations.Tables(FirewallCombinations.Named(combination)))
        {
            Assert.Equal(table, FirewallForms.FromKernel(FirewallForms.ToKernel(table)));
            foreach (var rule in table.Rules)
                Assert.Equal(rule, FirewallForms.FromKernel(FirewallForms.ToKernel(rule)));
        }
    }

    [Fact]
    public void Rule_text_becomes_the_bytecode_the_library_builds_for_the_same_rule()
    {
        var rule = FirewallForms.ToKernel(new FirewallRule("prerouting", "fib daddr type local tcp dport 8080 dnat ip to 10.0.0.2:80", "web"));
        var expected = new RuleBuilder("prerouting").DestinationIsLocal().DestinationPort(IpProtocol.Tcp, 8080)
            .Dnat(System.Net.IPAddress.Parse("10.0.0.2"), 80).Build("web");
        Assert.Equal(expected, rule);

        var range = FirewallForms.ToKernel(new FirewallRule("forward", "iifname != \"br\" ip daddr 10.0.0.0/22 udp dport 7000-7002 drop"));
        var expectedRange = new RuleBuilder("forward").InputInterface("br", negate: true)
            .DestinationPrefix(System.Net.IPAddress.Parse("10.0.0.0"), 22).DestinationPorts(IpProtocol.Udp, 7000, 7002).Drop().Build();
        Assert.Equal(expectedRange, range);
    }

    [Fact]
    public void A_rule_edited_by_hand_reads_as_unrecognized_and_never_equals_the_desired_one()
    {
        var desired = new FirewallRule("forward", "ct state established,related accept", "t: replies");
        var kernel = FirewallForms.ToKernel(desired);
        var edited = kernel with { Expressions = [new Counter(), .. kernel.Expressions] };

        var read = FirewallForms.FromKernel(edited);
        Assert.StartsWith(FirewallForms.Unrecognized, read.Text);
        Assert.NotEqual(desired, read);

        // A changed value in a recognised shape reads as that other rule, not as ours.
        var other = FirewallForms.FromKernel(FirewallForms.ToKernel(desired with { Text = "ct state established accept" }));
        Assert.Equal("ct state established accept", other.Text);
    }

    [Theory]
    [InlineData("tcp dport 0 accept", "'0' is not a port")]
    [InlineData("iifname br0 drop", "interface name br0 is not quoted")]
    [InlineData("ip daddr 10.0.0.0/33 drop", "'10.0.0.0/33' is not a prefix")]
    [InlineData("limit rate 1/second accept", "'limit' is not part of a rule NetPlan writes")]
    [InlineData("dnat ip", "ends too early")]
    public void Text_outside_the_grammar_is_refused_with_the_reason(string text, string reason)
    {
        var e = Assert.Throws<ArgumentException>(() => FirewallForms.ToKernel(new FirewallRule("forward", text)));
        Assert.Contains(reason, e.Message);
    }
}
