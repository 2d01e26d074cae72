using System.Text.RegularExpressions;
using NetPlan.Tests;

namespace NetPlan.EndToEnd.Tests.Local;

/// <summary>
/// Issue 8: bad input changes nothing. Every file of the loader's invalid corpus, and damaged
/// saved plans, given to the real `netplan apply` and `netplan destroy` on a host that holds a
/// converged topology and foreign objects of every kind: exit 1, the located error, and links,
/// namespaces, addresses, routes, the firewall and the sandbox files exactly as before.
/// </summary>
public partial class InvalidInputTests
{
    private const string Shop = """
        version: 1
        name: shop
        nodes:
          local: { connection: local }
        networks:
          front: { subnet: 10.77.0.0/24 }
        sandboxes:
          web: { node: local, networks: [front] }
          api: { node: local, networks: [front] }
        """;

    [GeneratedRegex(@"^# expect: (NP\d{4}) at (\d+):(\d+)")]
    private static partial Regex Expectation();

    /// <summary>An input and the error (a pattern) each command must report; destroy takes no saved plan at all.</summary>
    private sealed record Case(string File, string ApplyError, string DestroyError)
    {
        public static Case Same(string file, string error) => new(file, Regex.Escape(error), Regex.Escape(error));
    }

    [SkippableFact]
    public async Task Every_invalid_input_is_refused_with_a_located_error_and_changes_nothing_on_the_host()
    {
        Privileged.Require();
        using var host = await LocalHost.StartAsync();
        await AddForeignObjectsAsync(host);
        var topology = host.Topology(Shop);
        var converge = await host.NetplanAsync("apply", topology);
        Assert.True(converge.ExitCode == 0, converge.Stderr + converge.Stdout);
        var cases = Corpus().Concat(await DamagedPlansAsync(host)).ToList();
        var before = await host.SnapshotAsync();

        // Each run is a process of its own; a few at a time keep the two cores busy.
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(cases.SelectMany(c => new[] { ("apply", c), ("destroy", c) }),
            new ParallelOptions { MaxDegreeOfParallelism = 4 },
            async (run, _) =>
            {
                var (command, c) = run;
                var result = await host.NetplanAsync(command, c.File);
                var expected = command == "apply" ? c.ApplyError : c.DestroyError;
                if (result.ExitCode != 1 || !Regex.IsMatch(result.Stderr, expected))
                    failures.Add($"{command} {c.File}: exit {result.ExitCode}, expected '{expected}' in: {result.Stderr}{result.Stdout}");
            });

        Assert.True(failures.IsEmpty, string.Join("\n", failures));
        Assert.True(cases.Count >= 109, $"only {cases.Count} invalid inputs were found");
        Assert.Equal(before, await host.SnapshotAsync());
        Assert.Equal(0, (await host.NetplanAsync("plan", "--detailed-exitcode", topology)).ExitCode);
    }

    /// <summary>Each corpus file with the error its first line promises: <c>FILE:LINE:COL: error CODE</c>.</summary>
    private static IEnumerable<Case> Corpus()
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "InvalidCorpus");
        foreach (var file in Directory.EnumerateFiles(directory, "*.yml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var match = Expectation().Match(File.ReadLines(file).First());
            Assert.True(match.Success, $"{file} does not start with '# expect: NPxxxx at LINE:COL'");
            yield return Case.Same(file, $"{file}:{match.Groups[2].Value}:{match.Groups[3].Value}: error {match.Groups[1].Value}");
        }
    }

    /// <summary>Saved plans that must not be applied: cut short, from a future format, and the printed (--json) plan.</summary>
    private static async Task<IEnumerable<Case>> DamagedPlansAsync(LocalHost host)
    {
        host.Topology(Shop.Replace("api:", "cache:"), "changed.yml");
        var saved = Path.Combine(host.Directory, "good.plan");
        Assert.Equal(0, (await host.NetplanAsync("plan", Path.Combine(host.Directory, "changed.yml"), "-out", saved)).ExitCode);
        var text = await File.ReadAllTextAsync(saved);
        var printed = await host.NetplanAsync("plan", "--json", Path.Combine(host.Directory, "changed.yml"));

        string Write(string name, string content)
        {
            var path = Path.Combine(host.Directory, name);
            File.WriteAllText(path, content);
            return path;
        }
        var truncated = Write("truncated.plan", text[..(text.Length * 2 / 3)]);
        var future = Write("future.plan", text.Replace("\"format_version\": \"1.0\"", "\"format_version\": \"2.0\""));
        var json = Write("printed.json", printed.Stdout);
        return
        [
            new Case(truncated, Regex.Escape(truncated) + @":\d+:\d+: error NP1001: the saved plan is damaged", Regex.Escape($"{truncated}: error NP1004")),
            new Case(future, Regex.Escape($"{future}: error NP1002"), Regex.Escape($"{future}: error NP1004")),
            Case.Same(json, $"{json}: error NP1004"),
        ];
    }

    /// <summary>Foreign objects of every kind a topology could touch: a bridge with an address, a namespace, an nft table, a sandbox file.</summary>
    private static async Task AddForeignObjectsAsync(LocalHost host)
    {
        await host.ExecCheckAsync("ip", "link", "add", "br-foreign", "type", "bridge");
        await host.ExecCheckAsync("ip", "addr", "add", "192.0.2.1/24", "dev", "br-foreign");
        await host.ExecCheckAsync("ip", "link", "set", "br-foreign", "up");
        await host.ExecCheckAsync("ip", "netns", "add", "someone-else");
        await host.ExecCheckAsync("nft", "add", "table", "inet", "foreign");
        await host.ExecCheckAsync("nft", "add", "chain", "inet", "foreign", "input", "{ type filter hook input priority 0 ; policy accept ; }");
        await host.ExecCheckAsync("nft", "add", "rule", "inet", "foreign", "input", "tcp", "dport", "22", "accept");
        await host.ExecCheckAsync("mkdir", "-p", "/etc/netns/someone-else");
        (await Lab.Cmd.RunAsync(host.StartInfo("tee", "/etc/netns/someone-else/resolv.conf"), "nameserver 192.0.2.53\n"))
            .Check("write a foreign sandbox file");
    }
}
