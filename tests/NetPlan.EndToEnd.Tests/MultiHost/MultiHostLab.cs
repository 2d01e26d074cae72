using System.Text.Json;
using NetPlan.EndToEnd.Tests.Lab;
using NetPlan.Tests;
using NetPlan.Transport.Agents;

namespace NetPlan.EndToEnd.Tests.MultiHost;

/// <summary>
/// The three-host SSH lab seen from a user's seat: the real <c>netplan</c> CLI runs in the lab's
/// controller namespace against topologies whose nodes are <c>connection: ssh</c> lab hosts, with
/// the lab's generated ssh_config, known_hosts and key. Built once per test collection (starting
/// sshd on every host and publishing the agent is the slow part); each test destroys what it applied.
/// </summary>
public sealed class MultiHostLab : IAsyncLifetime
{
    public const int HostCount = 3;
    private readonly object _gate = new();
    private Task<SshLab>? _lab;

    public async Task<MultiHostLab> StartAsync()
    {
        Privileged.Require();
        Task<SshLab> lab;
        lock (_gate) lab = _lab ??= SshLab.StartAsync(HostCount);
        Lab = await lab;
        Agent = await PublishedBuild.AgentAsync();
        return this;
    }

    public SshLab Lab { get; private set; } = null!;
    public AgentBinary Agent { get; private set; } = null!;
    public IReadOnlyList<LabHost> Hosts => Lab.Hosts;

    /// <summary>
    /// A topology's head: its name, ssh defaults pointing at the lab's files, and the given lab hosts
    /// as nodes at their lab addresses. <paramref name="knownHostsFile"/> overrides known_hosts (a
    /// wrong key); <paramref name="extraNodes"/> are raw YAML node lines (an unreachable node).
    /// </summary>
    public string Head(string name, IEnumerable<LabHost> hosts, string? knownHostsFile = null, params string[] extraNodes) => $"""
        version: 1
        name: {name}
        defaults:
          ssh:
            user: root
            config_file: {Lab.SshConfigFile}
            known_hosts_file: {knownHostsFile ?? Lab.KnownHostsFile}
            identity_file: {Lab.ClientKeyFile}
        nodes:
        {string.Join("\n", hosts.Select(h => $"  {h.Name}: {{ address: {h.Address} }}").Concat(extraNodes.Select(n => "  " + n)))}

        """;

    /// <summary>Writes a topology file into the lab's directory (visible in the controller) and returns its path.</summary>
    public string Write(string yaml, string name)
    {
        var path = Path.Combine(Lab.Directory, name + ".yml");
        File.WriteAllText(path, yaml);
        return path;
    }

    /// <summary>Runs the real CLI (the published netplan) in the controller namespace; it ships <see cref="Agent"/>.</summary>
    public async Task<Cmd.Result> NetplanAsync(params string[] arguments)
    {
        var start = Lab.ControllerCommand(await PublishedBuild.NetplanAsync(), arguments);
        start.Environment[AgentBinary.PathVariable] = Agent.Path;
        return await Cmd.RunAsync(start, timeout: TimeSpan.FromMinutes(5));
    }

    /// <summary>Applies and fails the test with the CLI's own words when it does not exit 0.</summary>
    public async Task<Cmd.Result> ApplyAsync(string file)
    {
        var apply = await NetplanAsync("apply", file);
        Assert.True(apply.ExitCode == 0, $"apply exited {apply.ExitCode}\n{apply.Stderr}\n{apply.Stdout}");
        return apply;
    }

    /// <summary>Best-effort destroy for finally blocks: a failed test must not leave its sandboxes to the next one.</summary>
    public async Task CleanUpAsync(string file)
    {
        try { await NetplanAsync("destroy", file); }
        catch (TimeoutException) { }
    }

    /// <summary>Runs a program in a sandbox on a lab host, as a user there would: <c>ip netns exec NAME ...</c>.</summary>
    public static Task<Cmd.Result> InSandboxAsync(LabHost host, string sandbox, string program, params string[] arguments) =>
        host.ExecAsync("ip", ["netns", "exec", sandbox, program, .. arguments]);

    /// <summary>True when one ping from the sandbox is answered.</summary>
    public static async Task<bool> PingsAsync(LabHost host, string sandbox, string target, params string[] options) =>
        (await InSandboxAsync(host, sandbox, "ping", [.. options, "-c", "1", "-W", "2", target])).ExitCode == 0;

    /// <summary>A host's network state, for before/after comparisons.</summary>
    public static Task<string> SnapshotAsync(LabHost host) => HostSnapshot.TakeAsync(host.ExecCheckAsync);

    /// <summary>The operations of a <c>plan --json</c>, per node.</summary>
    public static List<(string Node, string Action, string Key)> Operations(string planJson)
    {
        using var document = JsonDocument.Parse(planJson);
        return document.RootElement.GetProperty("nodes").EnumerateArray()
            .SelectMany(n => n.GetProperty("operations").EnumerateArray().Select(o =>
                (n.GetProperty("node").GetString()!, o.GetProperty("action").GetString()!, o.GetProperty("key").GetString()!)))
            .ToList();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_lab is { IsCompletedSuccessfully: true } lab) await lab.Result.DisposeAsync();
    }
}

/// <summary>Multi-host tests share one lab and run one after another (they share its hosts).</summary>
[CollectionDefinition(Name)]
public sealed class MultiHostCollection : ICollectionFixture<MultiHostLab>
{
    public const string Name = "multi-host lab";
}
