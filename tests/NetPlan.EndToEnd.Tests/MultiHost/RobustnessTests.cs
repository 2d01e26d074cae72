using System.Diagnostics;
using NetPlan.EndToEnd.Tests.Lab;
using NetPlan.Tests;
using NetPlan.Transport.Ssh;
using Xunit.Abstractions;
using static NetPlan.EndToEnd.Tests.MultiHost.MultiHostLab;

namespace NetPlan.EndToEnd.Tests.MultiHost;

/// <summary>Issue 6's failure modes, seen through the CLI: wrong host key, unreachable node, agent reuse.</summary>
[Collection(MultiHostCollection.Name)]
public sealed class RobustnessTests(MultiHostLab fixture, ITestOutputHelper output)
{
    /// <summary>One sandbox per node on a host-local bridge network.</summary>
    private static string Sandboxes(params string[] nodes) => $"""
        networks:
          edge: {"{"} subnet: 10.60.0.0/24 {"}"}
        sandboxes:
        {string.Join("\n", nodes.Select(n => $"  edge-{n}: {{ node: {n}, networks: [edge] }}"))}
        """;

    [SkippableFact]
    public async Task A_host_with_a_wrong_host_key_is_refused_by_name_and_no_node_is_changed()
    {
        Privileged.Require();
        var lab = await fixture.StartAsync();
        var (host1, host2) = (lab.Hosts[0], lab.Hosts[1]);
        var wrongKnownHosts = await lab.Lab.KnownHostsWithWrongKeyAsync(host2);
        var before = await Task.WhenAll(SnapshotAsync(host1), SnapshotAsync(host2));
        var file = lab.Write(lab.Head("mh-hostkey", [host1, host2], wrongKnownHosts) + Sandboxes("host1", "host2"), "mh-hostkey");
        try
        {
            var apply = await lab.NetplanAsync("apply", file);

            Assert.Equal(1, apply.ExitCode);
            var refusal = apply.Stderr.Split('\n').Single(l => l.StartsWith("error: node 'host2'"));
            Assert.Contains("host key does not match known_hosts", refusal);
            Assert.DoesNotContain("error: node 'host1'", apply.Stderr);
            // The impostor is never talked to, and (the workflow needs every node to plan) nothing changed anywhere.
            Assert.Equal(before, await Task.WhenAll(SnapshotAsync(host1), SnapshotAsync(host2)));
        }
        finally
        {
            await lab.CleanUpAsync(file);
        }
    }

    [SkippableFact]
    public async Task An_unreachable_node_is_reported_by_name_and_the_run_fails()
    {
        Privileged.Require();
        var lab = await fixture.StartAsync();
        var host1 = lab.Hosts[0];
        var before = await SnapshotAsync(host1);
        var file = lab.Write(lab.Head("mh-unreachable", [host1], null, $"ghost: {{ address: {SshLab.UnusedAddress} }}")
                             + Sandboxes("host1", "ghost"), "mh-unreachable");
        try
        {
            var clock = Stopwatch.StartNew();
            var apply = await lab.NetplanAsync("apply", file);
            output.WriteLine($"apply with an unreachable node took {clock.Elapsed.TotalSeconds:0.0} s\n{apply.Stderr}");

            Assert.Equal(1, apply.ExitCode);
            Assert.Contains("[ghost] unreachable", apply.Stderr);
            Assert.Contains($"error: node 'ghost': ghost: cannot connect", apply.Stderr);
            Assert.Contains("[host1] connected", apply.Stderr);
            Assert.DoesNotContain("error: node 'host1'", apply.Stderr);
            Assert.Equal(before, await SnapshotAsync(host1));
        }
        finally
        {
            await lab.CleanUpAsync(file);
        }
    }

    [SkippableFact]
    public async Task The_agent_is_uploaded_on_the_first_run_and_reused_by_the_next()
    {
        Privileged.Require();
        var lab = await fixture.StartAsync();
        var host3 = lab.Hosts[2];
        await host3.ExecCheckAsync("rm", "-rf", RemoteCommand.AgentRoot);
        var agentPath = RemoteCommand.AgentPath(lab.Agent.Sha256);
        var file = lab.Write(lab.Head("mh-agent", [host3]) + Sandboxes("host3"), "mh-agent");

        var first = await lab.NetplanAsync("plan", "--detailed-exitcode", file);
        Assert.True(first.ExitCode == 2, first.Stderr + first.Stdout);
        var shipped = (await host3.ExecCheckAsync("stat", "-c", "%i %Y.%y", agentPath)).Stdout.Trim();
        Assert.StartsWith(lab.Agent.Sha256 + " ", (await host3.ExecCheckAsync("sha256sum", agentPath)).Stdout);

        var second = await lab.NetplanAsync("plan", "--detailed-exitcode", file);
        Assert.True(second.ExitCode == 2, second.Stderr + second.Stdout);
        // Same inode, same modification time: the second run found the agent and did not write it again.
        Assert.Equal(shipped, (await host3.ExecCheckAsync("stat", "-c", "%i %Y.%y", agentPath)).Stdout.Trim());
        Assert.Equal([RemoteCommand.AgentFileName], (await host3.ExecCheckAsync("ls", "-A", RemoteCommand.AgentDirectory(lab.Agent.Sha256))).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
