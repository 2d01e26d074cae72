using System.Text.Json;
using NetPlan.EndToEnd.Tests.Lab;
using NetPlan.Tests;
using static NetPlan.EndToEnd.Tests.MultiHost.MultiHostLab;

namespace NetPlan.EndToEnd.Tests.MultiHost;

/// <summary>
/// Issue 6 end to end: the real CLI, over real SSH, builds one VXLAN overlay across three lab
/// hosts (plus a bridge network on one of them), checked with real packets inside each host.
/// </summary>
[Collection(MultiHostCollection.Name)]
public sealed class OverlayTests(MultiHostLab fixture)
{
    /// <summary>web (host1, also on the host-local bridge network "back" with cache), api (host2), db (host3) on overlay "app"; optionally worker (host3).</summary>
    private static string Topology(MultiHostLab lab, bool withWorker) => lab.Head("mh-overlay", lab.Hosts) + $"""
        networks:
          app: {"{"} driver: overlay, subnet: 10.40.0.0/24 {"}"}
          back: {"{"} subnet: 10.41.0.0/24 {"}"}
        sandboxes:
          web:
            node: host1
            networks:
              app: {"{"} ipv4_address: 10.40.0.11 {"}"}
              back: {"{"} ipv4_address: 10.41.0.11 {"}"}
          cache:
            node: host1
            networks:
              back: {"{"} ipv4_address: 10.41.0.12 {"}"}
          api:
            node: host2
            networks:
              app: {"{"} ipv4_address: 10.40.0.12, aliases: [backend] {"}"}
          db:
            node: host3
            networks:
              app: {"{"} ipv4_address: 10.40.0.13 {"}"}
        {(withWorker ? """
          worker:
            node: host3
            networks:
              app: { ipv4_address: 10.40.0.14 }
        """ : "")}
        """;

    [SkippableFact]
    public async Task An_overlay_spans_three_hosts_converges_grows_by_one_sandbox_and_is_destroyed_cleanly()
    {
        Privileged.Require();
        var lab = await fixture.StartAsync();
        var (host1, host2, host3) = (lab.Hosts[0], lab.Hosts[1], lab.Hosts[2]);
        var before = await Task.WhenAll(lab.Hosts.Select(SnapshotAsync));
        var file = lab.Write(Topology(lab, withWorker: false), "mh-overlay");
        try
        {
            var apply = await lab.ApplyAsync(file);
            Assert.Contains("Apply complete!", apply.Stdout);

            // Across hosts over the overlay, and on the host-local bridge.
            Assert.True(await PingsAsync(host1, "web", "10.40.0.12"), "web (host1) reaches api (host2) over the overlay");
            Assert.True(await PingsAsync(host1, "web", "10.40.0.13"), "web (host1) reaches db (host3)");
            Assert.True(await PingsAsync(host2, "api", "10.40.0.13"), "api (host2) reaches db (host3)");
            Assert.True(await PingsAsync(host3, "db", "10.40.0.11"), "db (host3) reaches web (host1)");
            Assert.True(await PingsAsync(host1, "cache", "10.41.0.11"), "cache reaches web on the bridge network");
            Assert.False(await PingsAsync(host1, "cache", "10.40.0.12"), "cache is on no overlay and has no route to it");

            // MTU = underlay (1500) − 50: a 1450-byte packet with DF set crosses, one byte more does not leave.
            Assert.Equal("1450", (await InSandboxAsync(host1, "web", "cat", "/sys/class/net/eth0/mtu")).Stdout.Trim());
            Assert.True(await PingsAsync(host1, "web", "10.40.0.13", "-M", "do", "-s", "1422"), "1422-byte payload + 28 = 1450 with DF crosses host1 → host3");
            Assert.True(await PingsAsync(host2, "api", "10.40.0.11", "-M", "do", "-s", "1422"), "and host2 → host1");
            Assert.False(await PingsAsync(host1, "web", "10.40.0.13", "-M", "do", "-s", "1423"), "1451 bytes with DF exceed the overlay MTU");

            var again = await lab.NetplanAsync("plan", "--detailed-exitcode", file);
            Assert.True(again.ExitCode == 0, again.Stderr + again.Stdout);
            Assert.Contains("No changes.", again.Stdout);

            // A fourth sandbox on the overlay: the other nodes learn it (FDB, neighbour, hosts) in the same apply.
            lab.Write(Topology(lab, withWorker: true), "mh-overlay");
            var grow = Operations((await lab.NetplanAsync("plan", "--json", file)).Stdout);
            foreach (var node in new[] { "host1", "host2" })
            {
                Assert.Contains(grow, o => o.Node == node && o.Action == "create" && o.Key.StartsWith("fdb:") && o.Key.EndsWith("/198.51.100.13"));
                Assert.Contains(grow, o => o.Node == node && o.Action == "create" && o.Key.StartsWith("neighbour:") && o.Key.EndsWith("/10.40.0.14"));
            }
            Assert.Contains(grow, o => o.Node == "host1" && o.Action == "update" && o.Key == "file:/etc/netns/web/hosts");
            Assert.Contains(grow, o => o.Node == "host2" && o.Action == "update" && o.Key == "file:/etc/netns/api/hosts");
            Assert.DoesNotContain(grow, o => o.Action is "delete" or "replace");
            Assert.DoesNotContain(grow, o => o.Key.Contains("cache")); // not on the overlay: not told

            var applied = await lab.ApplyAsync(file);
            Assert.Contains("Apply complete!", applied.Stdout);
            var workerMac = await MacAsync(host3, "worker");
            Assert.Contains(await FdbAsync(host1), e => e.Mac == workerMac && e.Destination == "198.51.100.13");
            Assert.Contains(await FdbAsync(host2), e => e.Mac == workerMac && e.Destination == "198.51.100.13");
            Assert.True(await PingsAsync(host1, "web", "10.40.0.14"), "web (host1) reaches the new worker (host3)");
            Assert.True(await PingsAsync(host2, "api", "10.40.0.14"), "api (host2) reaches the new worker (host3)");
            Assert.True(await PingsAsync(host3, "worker", "10.40.0.13"), "worker reaches db on its own host");
            Assert.Contains("10.40.0.14\tworker", await host1.ExecCheckAsync("cat", "/etc/netns/web/hosts") is var hosts ? hosts.Stdout : "");
            Assert.Equal(0, (await lab.NetplanAsync("plan", "--detailed-exitcode", file)).ExitCode);

            var destroy = await lab.NetplanAsync("destroy", file);
            Assert.True(destroy.ExitCode == 0, destroy.Stderr + destroy.Stdout);
            Assert.Contains("Destroy complete!", destroy.Stdout);
            var after = await Task.WhenAll(lab.Hosts.Select(SnapshotAsync));
            for (var i = 0; i < before.Length; i++) Assert.Equal(before[i], after[i]);
        }
        finally
        {
            await lab.CleanUpAsync(file);
        }
    }

    private static async Task<string> MacAsync(LabHost host, string sandbox)
    {
        var link = await InSandboxAsync(host, sandbox, "ip", "-j", "link", "show", "eth0");
        using var json = JsonDocument.Parse(link.Check("ip -j link").Stdout);
        return json.RootElement[0].GetProperty("address").GetString()!;
    }

    /// <summary>The host's static FDB entries on VXLAN devices: MAC → remote VTEP.</summary>
    private static async Task<List<(string Mac, string Destination)>> FdbAsync(LabHost host)
    {
        var fdb = await host.ExecCheckAsync("bridge", "-j", "fdb", "show");
        using var json = JsonDocument.Parse(fdb.Stdout);
        return json.RootElement.EnumerateArray()
            .Where(e => e.TryGetProperty("dst", out _))
            .Select(e => (e.GetProperty("mac").GetString()!, e.GetProperty("dst").GetString()!))
            .ToList();
    }
}
