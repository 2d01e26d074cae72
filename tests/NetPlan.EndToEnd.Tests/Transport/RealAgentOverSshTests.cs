using NetPlan.Core.Planning;
using NetPlan.Core.State;
using NetPlan.EndToEnd.Tests.Lab;
using NetPlan.Tests;
using NetPlan.Transport.Ssh;

namespace NetPlan.EndToEnd.Tests.Transport;

/// <summary>The published netplan-agent (the kernel agent behind the protocol server) driven over real SSH in a lab host.</summary>
[Collection(SshLabCollection.Name)]
public sealed class RealAgentOverSshTests(SshLabFixture fixture)
{
    [SkippableFact]
    public async Task Hello_over_ssh_reports_the_lab_hosts_own_interfaces()
    {
        Privileged.Require();
        var lab = await fixture.LabAsync();
        var agentBinary = await PublishedBuild.AgentAsync();
        var host = lab.Hosts[0];

        await using var agent = await new SshAgentConnector(lab.SshOptions, () => agentBinary).ConnectAsync(host.Node());
        var facts = await agent.HelloAsync();

        Assert.False(string.IsNullOrWhiteSpace(facts.AgentVersion));
        Assert.Equal((await host.ExecCheckAsync("uname", "-r")).Stdout.Trim(), facts.KernelRelease);
        Assert.Contains(LinkKind.Bridge, facts.SupportedLinkKinds);
        var eth0 = Assert.Single(facts.Interfaces, i => i.Name == "eth0");
        Assert.Contains($"{host.Address}/24", eth0.Addresses);
        // The lab host's namespace, not the test machine's: only lo and the switch port.
        Assert.Equal(["eth0", "lo"], facts.Interfaces.Select(i => i.Name).Order());
    }

    [SkippableFact]
    public async Task A_sandbox_applied_over_ssh_exists_on_that_host_only_and_is_observed_back()
    {
        Privileged.Require();
        var lab = await fixture.LabAsync();
        var agentBinary = await PublishedBuild.AgentAsync();
        var (host, other) = (lab.Hosts[1], lab.Hosts[2]);
        var sandbox = new NamespaceObject("np-ssh-web") { Owner = "ssh-test", LoopbackUp = true };

        await using var agent = await new SshAgentConnector(lab.SshOptions, () => agentBinary).ConnectAsync(host.Node());
        try
        {
            var applied = await agent.ApplyAsync([new Operation(ChangeAction.Create, null, sandbox)]);
            var observed = await agent.ObserveAsync(new ObserveScope("ssh-test", [sandbox.Name], [], [], []));

            Assert.Equal(1, applied.Executed);
            Assert.Contains(sandbox, observed.State.Objects);
            Assert.Contains(sandbox.Name, (await host.ExecCheckAsync("ip", "netns", "list")).Stdout);
            Assert.DoesNotContain(sandbox.Name, (await other.ExecCheckAsync("ip", "netns", "list")).Stdout);
            Assert.False(File.Exists($"/run/netns/{sandbox.Name}"));
        }
        finally
        {
            await agent.ApplyAsync([new Operation(ChangeAction.Delete, sandbox, null)]);
        }
        Assert.DoesNotContain(sandbox.Name, (await host.ExecCheckAsync("ip", "netns", "list")).Stdout);
    }
}
