using System.Text.Json;

namespace NetPlan.EndToEnd.Tests.Lab;

/// <summary>
/// A host's network state as iproute2 reports it (links, IPv4 addresses, routes, named namespaces,
/// sandbox files) and its nftables ruleset, keeping what identifies objects and dropping counters and kernel-assigned ids,
/// for "exactly as before" comparisons. Works for any host a test can run commands in.
/// </summary>
public static class HostSnapshot
{
    public delegate Task<Cmd.Result> Exec(string program, params string[] arguments);

    public static async Task<string> TakeAsync(Exec execCheck) => string.Join("\n--\n",
        Names((await execCheck("ip", "-j", "link", "show")).Stdout, "ifname", "link_type", "address", "mtu", "flags"),
        Names((await execCheck("ip", "-j", "-4", "addr", "show")).Stdout, "ifname", "addr_info"),
        Names((await execCheck("ip", "-j", "route", "show", "table", "all")).Stdout, "dst", "gateway", "dev", "table", "protocol"),
        // Names only, sorted: a namespace recreated by a rollback gets a new id and list position.
        string.Join("\n", (await execCheck("ip", "netns", "list")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ')[0]).Order(StringComparer.Ordinal)),
        string.Join("\n", (await execCheck("find", "/etc/netns", "/run/netns")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)),
        (await execCheck("nft", "list", "ruleset")).Stdout.Trim());

    private static string Names(string json, params string[] keys) => string.Join("\n",
        JsonDocument.Parse(json).RootElement.EnumerateArray()
            .Where(e => !Autoconfigured(e))
            .Select(e => string.Join(" ", keys.Select(k => e.TryGetProperty(k, out var v) ? v.ToString() : "")))
            .Order());

    // IPv6 link-local and multicast routes come and go with links by themselves (addrconf runs
    // asynchronously after a link comes up), so they are not part of what a test compares.
    private static bool Autoconfigured(JsonElement route) =>
        route.TryGetProperty("dst", out var dst) && (dst.GetString()!.StartsWith("fe80:") || dst.GetString()!.StartsWith("ff00:"));
}
