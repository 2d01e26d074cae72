using System.Text.Json;
using NetPlan.Agent;
using NetPlan.Core.Language;
using NetPlan.Core.Planning;
using NetPlan.Core.State;
using NetPlan.Tests;

namespace NetPlan.Kernel.Tests.Rollback;

/// <summary>
/// A stand-in host for fault-injection tests: a throwaway namespace plays the host (links,
/// addresses, routes, sysctls, nftables), sandboxes are real named namespaces with a unique
/// nptest-… prefix, and /etc/netns is a scratch directory. The agent runs in process with a hook
/// before each operation. Everything named with the prefix is removed on Dispose.
/// </summary>
public sealed class RollbackLab : IAsyncDisposable
{
    private readonly Dictionary<int, Action<Operation>> _injections = [];

    public ThrowawayNamespace Host { get; } = new();
    public string Prefix { get; } = "nptest-" + Guid.NewGuid().ToString("N")[..6];
    public string EtcNetns { get; } = Path.Combine(Path.GetTempPath(), "nptest-etc-" + Guid.NewGuid().ToString("N")[..8]);
    public LocalHostAgent Agent { get; }

    public RollbackLab()
    {
        Directory.CreateDirectory(EtcNetns);
        Agent = new LocalHostAgent(new LocalHostAgentOptions
        {
            HostNamespacePath = Host.Path,
            EtcNetnsDirectory = EtcNetns,
            BeforeOperation = (index, operation) =>
            {
                if (_injections.Remove(index, out var inject)) inject(operation);
            },
        });
    }

    /// <summary>Runs <paramref name="inject"/> just before operation <paramref name="index"/> of the next apply.</summary>
    public void InjectBefore(int index, Action<Operation> inject) => _injections[index] = inject;

    /// <summary>
    /// Two networks, three sandboxes (one on both), a published port; the files give the names.
    /// Sandbox namespaces carry this lab's prefix so they can never meet anything on the machine.
    /// </summary>
    public Topology Topology(string backSubnet = "10.92.0.0/24", bool withDb = true)
    {
        var yaml = $"""
            version: 1
            name: rb{Prefix[7..]}
            nodes:
              local: {"{"} connection: local {"}"}
            networks:
              front: {"{"} subnet: 10.91.0.0/24 {"}"}
              back: {"{"} subnet: {backSubnet} {"}"}
            sandboxes:
              {Prefix}-web: {"{"} node: local, networks: [front], ports: ["8080:80"] {"}"}
              {Prefix}-api: {"{"} node: local, networks: [front, back] {"}"}
            {(withDb ? $"  {Prefix}-db: {{ node: local, networks: [back] }}" : "")}
            """;
        var loaded = TopologyLoader.Parse(yaml, "rollback.yml", "/root");
        return loaded.Topology ?? throw new InvalidOperationException(string.Join("; ", loaded.Diagnostics));
    }

    /// <summary>The plan from what the host holds now, with sandbox files moved into the scratch /etc/netns.</summary>
    public async Task<IReadOnlyList<Operation>> PlanAsync(Topology topology)
    {
        var scope = Planner.ScopeFor(topology, "local");
        scope = scope with { Files = scope.Files.Select(Scratch).ToList() };
        var observed = await Agent.ObserveAsync(scope);
        observed = observed with { State = new HostState(observed.State.Objects.Select(Etc).ToList()) };
        var plan = Planner.Plan(topology, new Dictionary<string, Observation> { ["local"] = observed });
        if (plan.Errors.Count > 0) throw new InvalidOperationException(string.Join("; ", plan.Errors));
        return plan.Hosts.Single().Operations.Select(o => o with { Before = ScratchFile(o.Before), After = ScratchFile(o.After) }).ToList();
    }

    private string Scratch(string path) =>
        path.StartsWith("/etc/netns/", StringComparison.Ordinal) ? Path.Combine(EtcNetns, path["/etc/netns/".Length..]) : path;

    private StateObject? ScratchFile(StateObject? o) => o is FileObject f ? f with { Path = Scratch(f.Path) } : o;

    private StateObject Etc(StateObject o) =>
        o is FileObject f && f.Path.StartsWith(EtcNetns + "/", StringComparison.Ordinal) ? f with { Path = "/etc/netns/" + f.Path[(EtcNetns.Length + 1)..] } : o;

    /// <summary>Runs a command in the stand-in host.</summary>
    public string InHost(params string[] argv) => Host.Exec(argv);

    public string[] Sandboxes() => ThrowawayNamespace.Run("ip", "netns", "list").Split('\n')
        .Select(l => l.Split(' ')[0]).Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// What iproute2, nft and the file system say the host holds, without kernel-assigned numbers:
    /// links (kind, MAC, MTU, flags, alias, group, master), addresses, routes, the ruleset, the
    /// sysctls NetPlan sets, the sandboxes and every file under the scratch /etc/netns with its content.
    /// </summary>
    public string Snapshot()
    {
        var parts = new List<string> { "sandboxes: " + string.Join(", ", Sandboxes()) };
        foreach (var ns in new[] { Host.Name }.Concat(Sandboxes()))
        {
            var label = ns == Host.Name ? "@host" : ns;
            parts.Add($"[{label}] links\n" + Rows(Json(ns, "-d", "link", "show"), l =>
                $"{S(l, "ifname")} {Kind(l)} {S(l, "address")} mtu {S(l, "mtu")} {S(l, "flags")} alias {S(l, "ifalias")} group {S(l, "group")} master {S(l, "master")}"));
            parts.Add($"[{label}] addresses\n" + Rows(Json(ns, "addr", "show"), l => string.Join(" ",
                l.GetProperty("addr_info").EnumerateArray().Where(a => S(a, "scope") != "link")
                    .Select(a => $"{S(l, "ifname")}:{S(a, "local")}/{S(a, "prefixlen")} proto {S(a, "protocol")}").Order(StringComparer.Ordinal))));
            parts.Add($"[{label}] routes\n" + Rows(Json(ns, "route", "show", "table", "all"), r => S(r, "dst").StartsWith("fe80") || S(r, "dst").StartsWith("ff00") ? "" :
                $"{S(r, "dst")} via {S(r, "gateway")} dev {S(r, "dev")} table {S(r, "table")} proto {S(r, "protocol")}"));
        }
        parts.Add("ip_forward " + InHost("cat", "/proc/sys/net/ipv4/ip_forward").Trim());
        parts.Add("ruleset\n" + InHost("nft", "list", "ruleset").Trim());
        parts.Add("files\n" + string.Join("\n", Directory.EnumerateFileSystemEntries(EtcNetns, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(p => Directory.Exists(p) ? p + "/" : $"{p}: {File.ReadAllText(p)}")));
        return string.Join("\n--\n", parts);
    }

    private static JsonElement Json(string ns, params string[] argv)
    {
        var output = ThrowawayNamespace.Run(["ip", "-n", ns, "-j", .. argv]);
        return JsonDocument.Parse(string.IsNullOrWhiteSpace(output) ? "[]" : output).RootElement;
    }

    private static string Rows(JsonElement array, Func<JsonElement, string> row) =>
        string.Join("\n", array.EnumerateArray().Select(row).Where(r => r.Length > 0).Order(StringComparer.Ordinal));

    private static string S(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.ToString() : "";

    private static string Kind(JsonElement link) =>
        link.TryGetProperty("linkinfo", out var info) && info.TryGetProperty("info_kind", out var kind) ? kind.GetString()! : "-";

    public async ValueTask DisposeAsync()
    {
        await Agent.DisposeAsync();
        foreach (var sandbox in Sandboxes()) ThrowawayNamespace.TryRun("ip", "netns", "del", sandbox);
        Host.Dispose();
        if (Directory.Exists(EtcNetns)) Directory.Delete(EtcNetns, recursive: true);
    }
}
