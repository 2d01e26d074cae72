using System.Text.RegularExpressions;
using NetPlan.Tests;

namespace NetPlan.EndToEnd.Tests.Firewall;

/// <summary>
/// Issue 5 end to end: the real CLI writes the firewall of a stand-in host that has an "outside"
/// machine on its underlay, and real packets (socat for TCP and UDP, ping for ICMP) show what gets
/// through. Every "must not arrive" check has a sibling check proving the path works otherwise.
/// </summary>
public class FirewallTests
{
    private const string Topology = """
        version: 1
        name: fw
        nodes:
          local: { connection: local }
        networks:
          front: { subnet: 10.81.0.0/24 }
          back: { subnet: 10.82.0.0/24 }
          vault: { subnet: 10.84.0.0/24, internal: true }
          quiet: { subnet: 10.85.0.0/24, icc: false }
        sandboxes:
          web:
            node: local
            networks: { front: { ipv4_address: 10.81.0.10 } }
            ports: ["8080:80", "5353:53/udp", "127.0.0.1:9090:90", "5454:54/udp"]
          client:
            node: local
            networks: { front: { ipv4_address: 10.81.0.11 } }
          other:
            node: local
            networks: { back: { ipv4_address: 10.82.0.10 } }
          safe:
            node: local
            networks: { vault: { ipv4_address: 10.84.0.10 } }
          q1:
            node: local
            networks: { quiet: { ipv4_address: 10.85.0.10 } }
          q2:
            node: local
            networks: { quiet: { ipv4_address: 10.85.0.11 } }
        """;

    private static async Task<(FirewallLab Lab, string File)> AppliedAsync()
    {
        var lab = await FirewallLab.StartAsync();
        try
        {
            var file = lab.Host.Topology(Topology);
            var apply = await lab.Host.NetplanAsync("apply", file);
            Assert.True(apply.ExitCode == 0, apply.Stderr + apply.Stdout);
            Assert.True(apply.Stdout.Contains("+ nftables inet/netplan-fw") && apply.Stdout.Contains("~ sysctl @host/net.ipv4.ip_forward\n      ~ value: 0 → 1"), apply.Stdout);
            return (lab, file);
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

    [SkippableFact]
    public async Task Firewall_published_ports_answer_from_outside_from_the_node_and_from_siblings_and_a_loopback_port_only_locally()
    {
        Privileged.Require();
        var (lab, file) = await AppliedAsync();
        using var _ = lab;
        await lab.ListenTcpAsync("web", 80, "hello-tcp");
        await lab.ListenUdpAsync("web", 53, "hello-udp");
        await lab.ListenTcpAsync("web", 90, "hello-local");

        // From another machine on the link, to the node's address.
        Assert.Equal("hello-tcp", await FirewallLab.EventuallyAsync(() => lab.TcpAsync(FirewallLab.Outside, FirewallLab.HostAddress, 8080)));
        Assert.Equal("hello-udp", await FirewallLab.EventuallyAsync(() => lab.UdpAsync(FirewallLab.Outside, FirewallLab.HostAddress, 5353)));

        // From the node itself: its own address and 127.0.0.1.
        Assert.Equal("hello-tcp", await lab.TcpAsync("", FirewallLab.HostAddress, 8080));
        Assert.Equal("hello-tcp", await lab.TcpAsync("", "127.0.0.1", 8080));
        Assert.Equal("hello-udp", await FirewallLab.EventuallyAsync(() => lab.UdpAsync("", "127.0.0.1", 5353)));
        Assert.Equal("hello-udp", await FirewallLab.EventuallyAsync(() => lab.UdpAsync("", FirewallLab.HostAddress, 5353)));

        // From sandboxes on the same node: a sibling on the same bridge (hairpin, via the node's
        // address and via the gateway) and one on another network.
        Assert.Equal("hello-tcp", await lab.TcpAsync("client", FirewallLab.HostAddress, 8080));
        Assert.Equal("hello-tcp", await lab.TcpAsync("client", "10.81.0.1", 8080));
        Assert.Equal("hello-udp", await FirewallLab.EventuallyAsync(() => lab.UdpAsync("client", FirewallLab.HostAddress, 5353)));
        Assert.Equal("hello-tcp", await lab.TcpAsync("other", FirewallLab.HostAddress, 8080));

        // Bound to 127.0.0.1: the node reaches it, nobody else does, on any address.
        Assert.Equal("hello-local", await lab.TcpAsync("", "127.0.0.1", 9090));
        Assert.Null(await lab.TcpAsync(FirewallLab.Outside, FirewallLab.HostAddress, 9090));
        Assert.Null(await lab.TcpAsync("client", "10.81.0.1", 9090));
        Assert.Null(await lab.TcpAsync("", FirewallLab.HostAddress, 9090));

        // A neighbour on the link that addresses the node's 127.0.0.1 directly (moby#45610): the
        // outside routes 127.0.0.1 to the node instead of its own loopback. Neither the
        // loopback-bound port nor a port published on every address answers it.
        // Replies to such a packet could not leave anyway (a 127.0.0.1 source is martian on the
        // link), so what counts is whether the request reaches the sandbox: a one-way UDP sink
        // records every datagram that arrives.
        await lab.RouteLoopbackToHostAsync();
        var sink = await lab.UdpSinkAsync("web", 54);
        await lab.SendUdpAsync(FirewallLab.Outside, "127.0.0.1", 5454, "via-loopback");
        Assert.Null(await lab.TcpAsync(FirewallLab.Outside, "127.0.0.1", 9090));
        Assert.Null(await lab.TcpAsync(FirewallLab.Outside, "127.0.0.1", 8080));
        await lab.SendUdpAsync(FirewallLab.Outside, FirewallLab.HostAddress, 5454, "via-address");
        var received = await FirewallLab.EventuallyAsync(async () => File.Exists(sink) && File.ReadAllText(sink).Contains("via-address") ? File.ReadAllText(sink) : null);
        Assert.Equal("via-address\n", received);

        // Egress: the outside sees the node's address, not the sandbox's.
        await lab.ListenTcpEchoingPeerAsync(FirewallLab.Outside, 7000);
        Assert.Equal(FirewallLab.HostAddress, await FirewallLab.EventuallyAsync(() => lab.TcpAsync("web", FirewallLab.OutsideAddress, 7000)));
        Assert.True(await lab.Host.PingsAsync("other", FirewallLab.OutsideAddress), "other's network leaves through the node too");

        var plan = await lab.Host.NetplanAsync("plan", "--detailed-exitcode", file);
        Assert.True(plan.ExitCode == 0, plan.Stderr + plan.Stdout);
    }

    [SkippableFact]
    public async Task Firewall_isolates_networks_icc_false_keeps_endpoints_apart_and_an_internal_network_neither_leaves_nor_can_be_reached()
    {
        Privileged.Require();
        var (lab, _) = await AppliedAsync();
        using var __ = lab;
        var host = lab.Host;

        Assert.True(await host.PingsAsync("web", "10.81.0.11"), "same network: web reaches client");
        Assert.True(await host.PingsAsync("other", "10.82.0.1"), "other reaches its gateway");
        Assert.False(await host.PingsAsync("other", "10.81.0.10"), "back must not reach front directly");
        Assert.False(await host.PingsAsync("web", "10.82.0.10"), "front must not reach back directly");

        // The outside, even with a route to the subnets, reaches no sandbox directly (only published ports).
        await host.InSandboxCheckAsync(FirewallLab.Outside, "ip", "route", "add", "10.0.0.0/8", "via", FirewallLab.HostAddress);
        Assert.False(await host.PingsAsync(FirewallLab.Outside, "10.81.0.10"), "outside must not reach web directly");
        Assert.False(await host.PingsAsync(FirewallLab.Outside, "10.84.0.10"), "outside must not reach the internal sandbox");
        Assert.False(await host.PingsAsync("web", "10.84.0.10"), "front must not reach the internal network");

        // icc: false — the endpoints reach their gateway and the outside, never each other.
        Assert.True(await host.PingsAsync("q1", "10.85.0.1"), "q1 reaches its gateway");
        Assert.True(await host.PingsAsync("q2", FirewallLab.OutsideAddress), "q2 leaves through the node");
        Assert.False(await host.PingsAsync("q1", "10.85.0.11"), "icc: false must keep q1 from q2");
        Assert.False(await host.PingsAsync("q2", "10.85.0.10"), "icc: false must keep q2 from q1");

        // Internal: NetPlan gives it no default route; add one by hand so that only the firewall stands in the way.
        await host.InSandboxCheckAsync("safe", "ip", "route", "add", "default", "via", "10.84.0.1");
        Assert.True(await host.PingsAsync("safe", "10.84.0.1"), "the internal network reaches its gateway");
        Assert.False(await host.PingsAsync("safe", FirewallLab.HostAddress), "nor the node's other addresses");
        Assert.False(await host.PingsAsync("safe", FirewallLab.OutsideAddress), "an internal network must not leave");
        Assert.False(await host.PingsAsync("safe", "10.81.0.10"), "nor reach other networks");
    }

    [SkippableFact]
    public async Task Firewall_rule_deleted_by_hand_is_drift_and_destroy_leaves_the_ruleset_as_it_was_with_a_foreign_table()
    {
        Privileged.Require();
        using var lab = await FirewallLab.StartAsync();
        var host = lab.Host;
        // The host's own firewall, written before NetPlan arrives.
        await host.ExecCheckAsync("nft", "add", "table", "inet", "filter");
        await host.ExecCheckAsync("nft", "add", "chain", "inet", "filter", "forward", "{ type filter hook forward priority 0; policy accept; }");
        await host.ExecCheckAsync("nft", "add", "rule", "inet", "filter", "forward", "iifname", "uplink", "counter", "accept");
        var before = await lab.RulesetAsync();

        var file = host.Topology(Topology);
        var apply = await host.NetplanAsync("apply", file);
        Assert.True(apply.ExitCode == 0, apply.Stderr + apply.Stdout);
        var clean = await host.NetplanAsync("plan", "--detailed-exitcode", file);
        Assert.True(clean.ExitCode == 0, clean.Stderr + clean.Stdout);

        var listing = (await host.ExecCheckAsync("nft", "-a", "list", "chain", "inet", "netplan-fw", "postrouting")).Stdout;
        var handle = Regex.Match(listing, @"comment ""fw/network back: egress"" # handle (\d+)").Groups[1].Value;
        Assert.NotEqual("", handle);
        await host.ExecCheckAsync("nft", "delete", "rule", "inet", "netplan-fw", "postrouting", "handle", handle);

        var drift = await host.NetplanAsync("plan", "--detailed-exitcode", file);
        Assert.True(drift.ExitCode == 2, drift.Stderr + drift.Stdout);
        Assert.Contains("~ nftables inet/netplan-fw", drift.Stdout);
        Assert.Contains("+ rule postrouting: ip saddr 10.82.0.0/24 oifname != ", drift.Stdout);
        Assert.Contains("Plan: 0 to add, 1 to change, 0 to destroy.", drift.Stdout);

        var repair = await host.NetplanAsync("apply", file);
        Assert.True(repair.ExitCode == 0, repair.Stderr + repair.Stdout);
        Assert.Equal(0, (await host.NetplanAsync("plan", "--detailed-exitcode", file)).ExitCode);

        var destroy = await host.NetplanAsync("destroy", file);
        Assert.True(destroy.ExitCode == 0, destroy.Stderr + destroy.Stdout);
        Assert.Equal(before, await lab.RulesetAsync());
    }

    [SkippableFact]
    public async Task Firewall_table_of_the_same_name_without_the_mark_is_a_plan_error_and_is_left_alone()
    {
        Privileged.Require();
        using var lab = await FirewallLab.StartAsync();
        var host = lab.Host;
        await host.ExecCheckAsync("nft", "add", "table", "inet", "netplan-fw");
        var before = await lab.RulesetAsync();

        var apply = await host.NetplanAsync("apply", host.Topology(Topology));
        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("nftables table inet netplan-fw exists on node local and is not owned by topology 'fw'", apply.Stdout + apply.Stderr);
        Assert.Equal(before, await lab.RulesetAsync());
    }
}
