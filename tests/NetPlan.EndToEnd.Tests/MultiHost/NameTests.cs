using NetPlan.EndToEnd.Tests.Lab;
using NetPlan.Tests;
using static NetPlan.EndToEnd.Tests.MultiHost.MultiHostLab;

namespace NetPlan.EndToEnd.Tests.MultiHost;

/// <summary>
/// Issue 7 end to end over SSH: network-scoped names, on one host and across two hosts over
/// overlays, checked with glibc's resolver (<c>getent</c>, <c>ping NAME</c>) inside the sandboxes.
/// </summary>
[Collection(MultiHostCollection.Name)]
public sealed class NameTests(MultiHostLab fixture)
{
    /// <summary>
    /// front: web (host1), shop (host2), api (host1). back: api (host1), db (host2).
    /// api is on both; web and db share nothing.
    /// The lab has no DNS server: each sandbox asks its own loopback, where nothing listens, so a name
    /// that must not resolve fails at once (a refusal) instead of waiting out resolver timeouts.
    /// </summary>
    private static string Topology(MultiHostLab lab, string webAlias) => lab.Head("mh-names", lab.Hosts.Take(2)) + $"""
        networks:
          front: {"{"} driver: overlay, subnet: 10.50.0.0/24 {"}"}
          back: {"{"} driver: overlay, subnet: 10.51.0.0/24 {"}"}
        sandboxes:
          web:
            node: host1
            dns: [127.0.0.1]
            networks:
              front: {"{"} ipv4_address: 10.50.0.10, aliases: [{webAlias}] {"}"}
          api:
            node: host1
            dns: [127.0.0.1]
            networks:
              front: {"{"} ipv4_address: 10.50.0.11 {"}"}
              back: {"{"} ipv4_address: 10.51.0.11, aliases: [internal-api] {"}"}
          shop:
            node: host2
            dns: [127.0.0.1]
            networks:
              front: {"{"} ipv4_address: 10.50.0.12, aliases: [store] {"}"}
          db:
            node: host2
            dns: [127.0.0.1]
            networks:
              back: {"{"} ipv4_address: 10.51.0.12, aliases: [database] {"}"}
        """;

    [SkippableFact]
    public async Task Sandboxes_resolve_exactly_the_peers_they_share_a_network_with_on_one_host_and_across_hosts()
    {
        Privileged.Require();
        var lab = await fixture.StartAsync();
        var (host1, host2) = (lab.Hosts[0], lab.Hosts[1]);
        var file = lab.Write(Topology(lab, "www"), "mh-names");
        try
        {
            await lab.ApplyAsync(file);

            // web (host1, front): its neighbour on the same host, its neighbour across hosts, by name and alias.
            Assert.Equal("10.50.0.11", await ResolveAsync(host1, "web", "api"));
            Assert.Equal("10.50.0.12", await ResolveAsync(host1, "web", "shop"));
            Assert.Equal("10.50.0.12", await ResolveAsync(host1, "web", "store"));
            Assert.Equal("10.50.0.10", await ResolveAsync(host1, "web", "www"));
            Assert.Equal("10.50.0.10", await ResolveAsync(host1, "web", "web"));
            Assert.True(await PingsAsync(host1, "web", "store"), "ping store from web (across hosts, by alias)");
            Assert.True(await PingsAsync(host1, "web", "api"), "ping api from web (same host, by name)");
            // ... and nothing it shares no network with: db, or api's alias on the other network.
            Assert.Null(await ResolveAsync(host1, "web", "db"));
            Assert.Null(await ResolveAsync(host1, "web", "database"));
            Assert.Null(await ResolveAsync(host1, "web", "internal-api"));

            // db (host2, back): api across hosts, at api's address on back.
            Assert.Equal("10.51.0.11", await ResolveAsync(host2, "db", "api"));
            Assert.Equal("10.51.0.11", await ResolveAsync(host2, "db", "internal-api"));
            Assert.True(await PingsAsync(host2, "db", "api"), "ping api from db (across hosts, on back)");
            Assert.Null(await ResolveAsync(host2, "db", "web"));
            Assert.Null(await ResolveAsync(host2, "db", "shop"));
            Assert.Null(await ResolveAsync(host2, "db", "www"));

            // api, on both networks, sees each peer at the address of the network they share.
            Assert.Equal("10.50.0.10", await ResolveAsync(host1, "api", "www"));
            Assert.Equal("10.50.0.12", await ResolveAsync(host1, "api", "shop"));
            Assert.Equal("10.51.0.12", await ResolveAsync(host1, "api", "database"));
            Assert.True(await PingsAsync(host1, "api", "db"), "ping db from api over back");
            Assert.True(await PingsAsync(host1, "api", "shop"), "ping shop from api over front");

            // hostname(5): '#' lines are comments (NetPlan's ownership mark is one); the name is the rest.
            Assert.Equal(["shop"], (await InSandboxAsync(host2, "shop", "cat", "/etc/hostname")).Stdout
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')));

            // Renaming an alias is one hosts-file update per sandbox that sees it: web itself, api and shop; not db.
            lab.Write(Topology(lab, "portal"), "mh-names");
            var plan = await lab.NetplanAsync("plan", "--json", file);
            Assert.Equal(
                ["host1 update file:/etc/netns/api/hosts", "host1 update file:/etc/netns/web/hosts", "host2 update file:/etc/netns/shop/hosts"],
                Operations(plan.Stdout).Select(o => $"{o.Node} {o.Action} {o.Key}").Order());
            var text = await lab.NetplanAsync("plan", file);
            Assert.Contains("Plan: 0 to add, 3 to change, 0 to destroy.", text.Stdout);

            await lab.ApplyAsync(file);
            Assert.Equal("10.50.0.10", await ResolveAsync(host2, "shop", "portal"));
            Assert.Null(await ResolveAsync(host2, "shop", "www"));
            Assert.True(await PingsAsync(host2, "shop", "portal"), "ping the renamed alias across hosts");
            Assert.Equal(0, (await lab.NetplanAsync("plan", "--detailed-exitcode", file)).ExitCode);
        }
        finally
        {
            await lab.CleanUpAsync(file);
        }
    }

    /// <summary>The first address glibc resolves NAME to inside the sandbox, or null when it does not resolve.</summary>
    private static async Task<string?> ResolveAsync(LabHost host, string sandbox, string name)
    {
        var result = await InSandboxAsync(host, sandbox, "getent", "hosts", name);
        if (result.ExitCode == 2) return null; // "key not found"
        result.Check($"getent hosts {name} in {sandbox}");
        return result.Stdout.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[0];
    }
}
