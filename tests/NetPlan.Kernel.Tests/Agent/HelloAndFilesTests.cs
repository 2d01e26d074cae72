using NetPlan.Core.Planning;
using NetPlan.Core.State;
using NetPlan.Tests;

namespace NetPlan.Kernel.Tests.Agent;

public class HelloAndFilesTests
{
    [SkippableFact]
    public async Task Hello_reports_version_kernel_probed_kinds_and_the_host_interfaces()
    {
        Privileged.Require();
        await using var f = new AgentFixture();
        ThrowawayNamespace.Run("ip", "-n", f.Host.Name, "link", "add", "npt-up0", "mtu", "1450", "type", "bridge");
        ThrowawayNamespace.Run("ip", "-n", f.Host.Name, "addr", "add", "203.0.113.5/24", "dev", "npt-up0");

        var facts = await f.Agent.HelloAsync();

        Assert.Equal(ThrowawayNamespace.Run("uname", "-r").Trim(), facts.KernelRelease);
        Assert.StartsWith("0.1.0", facts.AgentVersion);
        Assert.Subset(facts.SupportedLinkKinds.ToHashSet(), new HashSet<LinkKind> { LinkKind.Bridge, LinkKind.Veth, LinkKind.Vxlan, LinkKind.Macvlan });
        var bridge = Assert.Single(facts.Interfaces, i => i.Name == "npt-up0");
        Assert.Equal((1450, false, "203.0.113.5/24"), (bridge.Mtu, bridge.Up, Assert.Single(bridge.Addresses)));
        // The probe ran in a private namespace: none of its links show up in the host.
        Assert.Equal(["lo", "npt-up0"], facts.Interfaces.Select(i => i.Name).Order().ToArray());
    }

    [SkippableFact]
    public async Task Files_and_sysctls_round_trip_and_files_are_removed_with_their_directory()
    {
        Privileged.Require();
        await using var f = new AgentFixture();
        var sandbox = f.Sandbox();
        var hosts = Path.Combine(f.EtcNetns, sandbox, "hosts");
        List<StateObject> desired =
        [
            new NamespaceObject(sandbox) { Owner = "t5", LoopbackUp = true },
            new SysctlObject(sandbox, "net.ipv4.ip_forward", "1"),
            new SysctlObject("", "net.ipv4.conf.all.forwarding", "1"),
            new FileObject(hosts, Ownership.FileMark("t5") + "\n10.10.0.10 web\n") { Owner = "t5" },
        ];
        var scopeSysctls = new[] { new SysctlRef(sandbox, "net.ipv4.ip_forward"), new SysctlRef("", "net.ipv4.conf.all.forwarding") };

        await f.Apply(AgentFixture.CreateAll(desired));
        var observed = await f.Observe("t5", namespaces: [sandbox], files: [hosts], sysctls: scopeSysctls);

        Assert.Equal(AgentFixture.Sorted(desired), observed);
        Assert.Equal("1", ThrowawayNamespace.Run("ip", "netns", "exec", sandbox, "cat", "/proc/sys/net/ipv4/ip_forward").Trim());

        var file = desired.OfType<FileObject>().Single();
        var changed = file with { Content = Ownership.FileMark("t5") + "\n10.10.0.11 web\n" };
        await f.Apply(new Operation(ChangeAction.Update, file, changed));
        Assert.Equal(changed.Content, File.ReadAllText(hosts));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(hosts)!)); // no temporary file left

        await f.Apply(new Operation(ChangeAction.Delete, changed, null));
        Assert.False(Directory.Exists(Path.GetDirectoryName(hosts)));
    }
}
