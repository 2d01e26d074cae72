using System.Text.Json;
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
}
