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
        // Names only, sorted: a namespace recreated by a rollback gets a new id and list position.
        string.Join("\n", (await execCheck("ip", "netns", "list")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ')[0]).Order(StringComparer.Ordinal)),
        Sorted((await execCheck("find", "/etc/netns", "/run/netns")).Stdout),
        // Without -a: no rule handles, which the kernel assigns. NetPlan's rules keep no counters.
        (await execCheck("nft", "list", "ruleset")).Stdout.Trim(),
        await FileContentsAsync(execCheck));

    /// <summary>Every file under /etc/netns with its content, in path order (a recreated file may move in directory order).</summary>
    private static async Task<string> FileContentsAsync(Exec execCheck)
    {
        var files = (await execCheck("find", "/etc/netns", "-type", "f")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);
        var parts = new List<string>();
        foreach (var file in files) parts.Add(file + "\n" + (await execCheck("cat", file)).Stdout);
        return string.Join("\n", parts);
    }

    private static string Sorted(string lines) =>
        string.Join("\n", lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));

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
