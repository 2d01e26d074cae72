using System.Text.Json;

namespace NetPlan.EndToEnd.Tests.Lab;

/// <summary>
/// A host's network state as iproute2 and nft report it (links, IPv4 addresses, routes, named
/// namespaces, the firewall ruleset, the sandbox files and their contents), keeping what identifies
/// objects and dropping counters and kernel-assigned ids, for "exactly as before" comparisons.
/// Works for any host a test can run commands in.
/// </summary>
public static class HostSnapshot
{
    public delegate Task<Cmd.Result> Exec(string program, params string[] arguments);

    public static async Task<string> TakeAsync(Exec execCheck) => string.Join("\n--\n",
        Names((await execCheck("ip", "-j", "link", "show")).Stdout, "ifname", "link_type", "address", "mtu", "flags"),
        Names((await execCheck("ip", "-j", "-4", "addr", "show")).Stdout, "ifname", "addr_info"),
        Names((await execCheck("ip", "-j", "route", "show", "table", "all")).Stdout, "dst", "gateway", "dev", "table", "protocol"),
        (await execCheck("ip", "netns", "list")).Stdout.Trim(),
        (await execCheck("find", "/etc/netns", "/run/netns")).Stdout.Trim(),
        // Without -a: no rule handles, which the kernel assigns. NetPlan's rules keep no counters.
        (await execCheck("nft", "list", "ruleset")).Stdout.Trim(),
        // argv, no shell: find runs cat itself.
        (await execCheck("find", "/etc/netns", "-type", "f", "-print", "-exec", "cat", "{}", ";")).Stdout.Trim());

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
