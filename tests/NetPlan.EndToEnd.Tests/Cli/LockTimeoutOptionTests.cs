using NetPlan.EndToEnd.Tests.Lab;

namespace NetPlan.EndToEnd.Tests.Cli;

/// <summary>`--lock-timeout`: only on the commands that lock, written like Terraform's durations. No root needed.</summary>
public class LockTimeoutOptionTests
{
    private static Task<Cmd.Result> Netplan(params string[] arguments) => PublishedBuild.RunAsync(arguments);

    [Theory]
    [InlineData("apply", "5x")]
    [InlineData("destroy", "-1s")]
    [InlineData("apply", "2d")]
    [InlineData("apply", "25h")] // longer than a day
    public async Task A_duration_that_is_not_one_is_refused_before_anything_runs(string command, string value)
    {
        var run = await Netplan(command, "--lock-timeout", value, "missing.yml");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"--lock-timeout: '{value}' is not a duration (a number with ms, s, m or h, e.g. 30s)", run.Stderr);
    }

    [Fact]
    public async Task Plan_has_no_lock_timeout_because_it_never_locks()
    {
        var run = await Netplan("plan", "--lock-timeout", "1s", "missing.yml");

        Assert.Equal(1, run.ExitCode);
        // Unknown to plan: "--lock-timeout" is taken for the file argument, and "1s" is left over.
        Assert.Contains("Unrecognized command or argument '1s'", run.Stderr);
    }

    [Fact]
    public async Task Help_shows_the_option_on_apply()
    {
        var run = await Netplan("apply", "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--lock-timeout", run.Stdout);
    }
}
