using System.Text.Json;
using NetPlan.Tests;

namespace NetPlan.EndToEnd.Tests.Local;

/// <summary>
/// Networks are IPv4-only, so the links NetPlan makes carry no IPv6 (no link-local address, no
/// DAD, no router solicitation) — and a link it does not own keeps its IPv6 untouched.
/// </summary>
public class Ipv6OffTests
{
    [SkippableFact]
    public async Task Links_netplan_makes_have_ipv6_off_and_a_foreign_link_keeps_its_own()
    {
        Privileged.Require();
        using var host = await LocalHost.StartAsync();
        await host.ExecCheckAsync("ip", "link", "add", "foreign0", "type", "veth", "peer", "name", "foreign1");
        await host.ExecCheckAsync("ip", "link", "set", "foreign0", "up");
        await host.ExecCheckAsync("ip", "link", "set", "foreign1", "up");
        var file = host.Topology(LockTests.Topology(2));

        (await host.NetplanAsync("apply", file)).Check("netplan apply");

        // Host side: the bridge and the veth ends NetPlan made (marked with its alias) have IPv6 off.
        var owned = JsonDocument.Parse((await host.ExecCheckAsync("ip", "-j", "link", "show")).Stdout).RootElement.EnumerateArray()
            .Where(l => l.TryGetProperty("ifalias", out var alias) && alias.GetString()!.StartsWith("netplan:"))
            .Select(l => l.GetProperty("ifname").GetString()!)
            .ToList();
        Assert.Equal(3, owned.Count); // the bridge and two veth ends
        foreach (var link in owned)
            Assert.Equal("1", (await host.ExecCheckAsync("cat", $"/proc/sys/net/ipv6/conf/{link}/disable_ipv6")).Stdout.Trim());
        Assert.Equal("0", (await host.ExecCheckAsync("cat", "/proc/sys/net/ipv6/conf/foreign0/disable_ipv6")).Stdout.Trim());
        Assert.Contains("fe80::", (await host.ExecCheckAsync("ip", "-6", "addr", "show", "dev", "foreign0")).Stdout);

        // Sandbox side: eth0 has no IPv6 address at all; the loopback keeps ::1; IPv4 works.
        Assert.Equal("1", (await host.InSandboxCheckAsync("s1", "cat", "/proc/sys/net/ipv6/conf/eth0/disable_ipv6")).Stdout.Trim());
        Assert.Equal("", (await host.InSandboxCheckAsync("s1", "ip", "-6", "addr", "show", "dev", "eth0")).Stdout.Trim());
        Assert.Contains("::1/128", (await host.InSandboxCheckAsync("s1", "ip", "-6", "addr", "show", "dev", "lo")).Stdout);
        Assert.True(await host.PingsAsync("s1", "s2"), "s1 reaches s2 by name over IPv4");

        (await host.NetplanAsync("destroy", file)).Check("netplan destroy");
        Assert.Equal("0", (await host.ExecCheckAsync("cat", "/proc/sys/net/ipv6/conf/foreign0/disable_ipv6")).Stdout.Trim());
    }
}
