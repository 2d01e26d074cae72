using NetPlan.Tests;
using static NetPlan.EndToEnd.Tests.MultiHost.MultiHostLab;

namespace NetPlan.EndToEnd.Tests.MultiHost;

/// <summary>Issue 8 across hosts: --atomic takes back the host that succeeded when another failed.</summary>
[Collection(MultiHostCollection.Name)]
public sealed class AtomicTests(MultiHostLab fixture)
{
    /// <summary>One host-local network and sandbox per node, so each node's plan stands alone.</summary>
    private static string PerNode(params string[] nodes) => $"""
        networks:
        {string.Join("\n", nodes.Select((n, i) => $"  lan-{n}: {{ subnet: 10.6{i + 1}.0.0/24 }}"))}
        sandboxes:
        {string.Join("\n", nodes.Select(n => $"  box-{n}: {{ node: {n}, networks: [lan-{n}] }}"))}
        """;

    [SkippableFact]
    public async Task With_atomic_a_failure_on_one_host_rolls_back_the_host_that_succeeded()
    {
        Privileged.Require();
        var lab = await fixture.StartAsync();
        var (host1, host2) = (lab.Hosts[0], lab.Hosts[1]);
        var file = lab.Write(lab.Head("mh-atomic", [host1, host2]) + PerNode("host1", "host2"), "mh-atomic");
        // host2 cannot write box-host2's hosts file: a directory is in the way (the observer sees no file).
        await host2.ExecCheckAsync("mkdir", "-p", "/etc/netns/box-host2/hosts");
        try
        {
            var before = await Task.WhenAll(SnapshotAsync(host1), SnapshotAsync(host2));

            var apply = await lab.NetplanAsync("apply", "--atomic", file);

            Assert.True(apply.ExitCode == 1, apply.Stderr + apply.Stdout);
            Assert.Matches(@"error: node 'host2': apply failed at operation \d+ \(creating file:/etc/netns/box-host2/hosts: .*Is a directory.*\); rolled back \d+ operations", apply.Stderr);
            Assert.Contains("[host1] the host is as it was before apply", apply.Stderr);
            Assert.Contains("[host2] the host is as it was before apply", apply.Stderr);
            Assert.Contains("[host1] rolled back", apply.Stderr);
            Assert.Contains("[host2] failed and rolled back", apply.Stderr);
            Assert.Equal(before, await Task.WhenAll(SnapshotAsync(host1), SnapshotAsync(host2)));

            // Without --atomic, host1 keeps its changes and host2 alone is rolled back.
            var partial = await lab.NetplanAsync("apply", file);
            Assert.Equal(1, partial.ExitCode);
            Assert.Contains("[host1] applied", partial.Stderr);
            Assert.Contains("[host2] failed and rolled back", partial.Stderr);
            Assert.NotEqual(before[0], await SnapshotAsync(host1));
            Assert.Equal(before[1], await SnapshotAsync(host2));
        }
        finally
        {
            await host2.ExecAsync("rmdir", "/etc/netns/box-host2/hosts", "/etc/netns/box-host2");
            await lab.CleanUpAsync(file);
        }
    }
}
