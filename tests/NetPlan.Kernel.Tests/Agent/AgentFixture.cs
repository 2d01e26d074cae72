using System.Text.Json;
using NetPlan.Agent;
using NetPlan.Core.Planning;
using NetPlan.Core.State;
using NetPlan.Tests;

namespace NetPlan.Kernel.Tests.Agent;

/// <summary>
/// A <see cref="LocalHostAgent"/> whose "host" is a throwaway namespace, plus the sandboxes a test
/// names (real `ip netns` namespaces called nptest-…). Everything is removed on Dispose, even when
/// the test fails; links go with their namespaces. The machine's own namespace is never touched.
/// </summary>
public sealed class AgentFixture : IAsyncDisposable
{
    private readonly List<string> _sandboxes = [];

    public ThrowawayNamespace Host { get; } = new();
    public string EtcNetns { get; } = Path.Combine(Path.GetTempPath(), "nptest-etc-" + Guid.NewGuid().ToString("N")[..8]);
    public LocalHostAgent Agent { get; }

    public AgentFixture()
    {
        Agent = new LocalHostAgent(new LocalHostAgentOptions { HostNamespacePath = Host.Path, EtcNetnsDirectory = EtcNetns });
    }

    /// <summary>A fresh sandbox name (not created), removed at the end of the test if something created it.</summary>
    public string Sandbox()
    {
        var name = "nptest-" + Guid.NewGuid().ToString("N")[..10];
        _sandboxes.Add(name);
        return name;
    }

    public Task<ApplyResult> Apply(params Operation[] operations) => Agent.ApplyAsync(operations);

    public static Operation[] CreateAll(IEnumerable<StateObject> objects) =>
        objects.Select(o => new Operation(ChangeAction.Create, null, o)).ToArray();

    public async Task<List<StateObject>> Observe(string owner, IReadOnlyList<string>? namespaces = null, IReadOnlyList<string>? hostLinks = null,
        IReadOnlyList<string>? files = null, IReadOnlyList<SysctlRef>? sysctls = null)
    {
        var observation = await Agent.ObserveAsync(new ObserveScope(owner, namespaces ?? [], hostLinks ?? [], files ?? [], sysctls ?? []));
        return Sorted(observation.State.Objects);
    }

    public static List<StateObject> Sorted(IEnumerable<StateObject> objects) => objects.OrderBy(o => o.Key, StringComparer.Ordinal).ToList();

    /// <summary>`ip -j ...` inside the host namespace (the independent witness).</summary>
    public JsonElement HostJson(params string[] argv) => Json(["ip", "-n", Host.Name, "-j", .. argv]);

    public static JsonElement SandboxJson(string sandbox, params string[] argv) => Json(["ip", "-n", sandbox, "-j", .. argv]);

    public static JsonElement Json(params string[] argv)
    {
        var output = ThrowawayNamespace.Run(argv);
        return JsonDocument.Parse(string.IsNullOrWhiteSpace(output) ? "[]" : output).RootElement;
    }

    public static bool NamespaceListed(string name) => ThrowawayNamespace.Run("ip", "netns", "list").Split('\n').Any(l => l.Split(' ')[0] == name);

    public async ValueTask DisposeAsync()
    {
        await Agent.DisposeAsync();
        foreach (var sandbox in _sandboxes)
            if (File.Exists("/run/netns/" + sandbox)) ThrowawayNamespace.TryRun("ip", "netns", "del", sandbox);
        Host.Dispose();
        if (Directory.Exists(EtcNetns)) Directory.Delete(EtcNetns, recursive: true);
    }
}
