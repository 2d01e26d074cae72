using System.Text.Json;
using NetPlan.EndToEnd.Tests.Lab;

namespace NetPlan.EndToEnd.Tests.Cli;

/// <summary>The netplan process itself: exit codes, streams and formats a script relies on. No root needed.</summary>
public class CliTests
{
    private static Task<Cmd.Result> Netplan(params string[] arguments) => PublishedBuild.RunAsync(arguments);

    private static string Scratch(string yaml)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("netplan-cli-").FullName, "topology.yml");
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public async Task Validate_accepts_a_valid_file_with_exit_0()
    {
        var run = await Netplan("validate", Scratch("version: 1\nname: ok\nnodes: { n1: { connection: local } }\n"));

        Assert.Equal(0, run.ExitCode);
        Assert.EndsWith("topology.yml: valid", run.Stderr.Trim());
    }

    [Fact]
    public async Task Validate_reports_every_error_compiler_style_on_stderr_with_exit_1()
    {
        var file = Scratch("""
            version: 1
            name: shop
            nodes: { n1: { connection: local } }
            networks:
              front: { subnet: 10.1.0.0/24, gateway: 10.2.0.1 }
              back: { subnet: 10.1.0.0/23, gatway: 10.1.0.1 }
            """);

        var run = await Netplan("validate", file);

        Assert.Equal(1, run.ExitCode);
        var lines = run.Stderr.Trim().Split('\n');
        Assert.Contains(lines, l => l.StartsWith($"{file}:5:") && l.Contains(": error NP02") && l.Contains("10.2.0.1"));
        Assert.Contains(lines, l => l.StartsWith($"{file}:6:") && l.Contains("did you mean 'gateway'"));
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public async Task Validate_json_prints_the_documented_object_on_stdout()
    {
        var run = await Netplan("validate", "--json", Scratch("version: 2\nname: x\n"));

        Assert.Equal(1, run.ExitCode);
        using var report = JsonDocument.Parse(run.Stdout);
        Assert.False(report.RootElement.GetProperty("valid").GetBoolean());
        var first = report.RootElement.GetProperty("diagnostics")[0];
        Assert.Equal(("error", 1), (first.GetProperty("severity").GetString(), first.GetProperty("line").GetInt32()));
    }

    [Fact]
    public async Task Plan_of_an_invalid_file_fails_before_touching_any_node()
    {
        var run = await Netplan("plan", "--detailed-exitcode", Scratch("version: 1\nname: Bad_Name\n"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error NP06", run.Stderr);
        Assert.DoesNotContain("connected", run.Stderr);
    }

    [Fact]
    public async Task Version_and_help_describe_the_tool()
    {
        var version = await Netplan("--version");
        var help = await Netplan("--help");

        Assert.Equal(0, version.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Stdout.Trim());
        foreach (var verb in new[] { "validate", "plan", "apply", "destroy", "agent" })
            Assert.Contains(verb, help.Stdout);
    }
}
