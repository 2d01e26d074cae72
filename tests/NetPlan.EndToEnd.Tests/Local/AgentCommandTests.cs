using System.Text.Json;
using NetPlan.EndToEnd.Tests.Lab;
using NetPlan.Tests;

namespace NetPlan.EndToEnd.Tests.Local;

/// <summary>`netplan agent` serves the JSON-lines protocol on stdin/stdout, like the shipped netplan-agent.</summary>
public class AgentCommandTests
{
    [SkippableFact]
    public async Task Netplan_agent_answers_hello_and_observe_on_stdin_and_stdout()
    {
        Privileged.Require();
        using var host = await LocalHost.StartAsync();
        await host.ExecCheckAsync("ip", "link", "add", "eth7", "type", "bridge");
        var requests =
            """{"id":1,"method":"hello","params":{"protocol":2}}""" + "\n" +
            """{"id":2,"method":"observe","params":{"owner":"t","namespaces":["nothere"],"host_links":["eth7"],"files":[],"sysctls":[]}}""" + "\n";

        var run = await host.NetplanWithInputAsync(requests, "agent");

        Assert.True(run.ExitCode == 0, run.Stderr);
        var replies = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([1L, 2L], replies.Select(r => r.GetProperty("id").GetInt64()));
        var hello = replies[0].GetProperty("result");
        Assert.Equal(2, hello.GetProperty("protocol").GetInt32());
        var kinds = hello.GetProperty("facts").GetProperty("supported_link_kinds").EnumerateArray().Select(k => k.GetString()).ToList();
        Assert.Contains("Bridge", kinds, StringComparer.OrdinalIgnoreCase);
        var objects = replies[1].GetProperty("result").GetProperty("state").GetProperty("objects").EnumerateArray().ToList();
        var bridge = Assert.Single(objects);
        Assert.Equal("eth7", bridge.GetProperty("name").GetString());
        Assert.False(bridge.TryGetProperty("owner", out _)); // foreign: reported, never owned
    }

    /// <summary>
    /// The shipped binary (ahead-of-time compiled, with the runtime's concurrent GC) enters sandbox
    /// namespaces only on its short-lived "netns" threads: after observing 150 sandboxes again and
    /// again (enough garbage for several collections), every thread it still has is in the host's
    /// namespace. A runtime thread born inside a sandbox would keep it alive after a destroy.
    /// </summary>
    [SkippableFact]
    public async Task The_published_agent_leaves_no_thread_in_a_sandbox_namespace()
    {
        Privileged.Require();
        using var host = await LocalHost.StartAsync();
        const int sandboxes = 150;
        var file = host.Topology(LockTests.Topology(sandboxes));
        (await host.NetplanAsync("apply", file)).Check("netplan apply");

        using var agent = System.Diagnostics.Process.Start(host.StartInfo(await PublishedBuild.NetplanAsync(), "agent"))!;
        var namespaces = string.Join(',', Enumerable.Range(1, sandboxes).Select(i => $"\"s{i}\""));
        await agent.StandardInput.WriteLineAsync("""{"id":1,"method":"hello","params":{"protocol":2}}""");
        for (var id = 2; id <= 6; id++)
            await agent.StandardInput.WriteLineAsync(
                $$$"""{"id":{{{id}}},"method":"observe","params":{"owner":"shop","namespaces":[{{{namespaces}}}],"host_links":[],"files":[],"sysctls":[]}}""");
        await agent.StandardInput.FlushAsync();
        for (var reply = 1; reply <= 6; reply++)
        {
            var line = await agent.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(1));
            if (line is null || line.Contains("\"error\""))
            {
                agent.StandardInput.Close(); // the agent ends, so its whole stderr can be read
                Assert.Fail($"reply {reply}: {line} {await agent.StandardError.ReadToEndAsync()}");
            }
        }

        var process = await LocalHost.NetplanProcessAsync("agent");
        var home = new FileInfo($"/proc/{process.Id}/ns/net").LinkTarget;
        var threads = Directory.GetDirectories($"/proc/{process.Id}/task")
            .Select(task => (Task: Path.GetFileName(task), Comm: File.ReadAllText(task + "/comm").Trim(), Ns: new FileInfo(task + "/ns/net").LinkTarget))
            .ToList();
        agent.StandardInput.Close();
        await agent.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));

        Assert.True(threads.Count > 1, "the agent runs more than one thread");
        Assert.All(threads, t => Assert.True(t.Ns == home, $"thread {t.Task} ({t.Comm}) is in {t.Ns}, not the host's {home}"));
        (await host.NetplanAsync("destroy", file)).Check("netplan destroy");
    }
}
