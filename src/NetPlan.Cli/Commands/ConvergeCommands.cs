using System.CommandLine;
using NetPlan.Agent;
using NetPlan.Cli.Engine;
using NetPlan.Core.State;
using NetPlan.Transport.Nodes;
using NetPlan.Transport.Ssh;

namespace NetPlan.Cli.Commands;

/// <summary>
/// <c>netplan plan | apply | destroy [FILE]</c>: the same workflow with a different intent.
/// Exit codes: 0 success (plan: no changes), 1 error, 2 changes present (plan --detailed-exitcode).
/// </summary>
internal static class ConvergeCommands
{
    public static Command Plan()
    {
        var detailed = new Option<bool>("--detailed-exitcode") { Description = "Exit 0 when nothing would change, 2 when something would, 1 on error" };
        return Build("plan", "Show what apply would change on every node, without changing anything", Intent.Plan, detailed, null);
    }

    public static Command Apply()
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Stop after showing the plan" };
        return Build("apply", "Converge every node to the topology, then verify it", Intent.Apply, null, dryRun);
    }

    public static Command Destroy()
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Stop after showing what would be removed" };
        return Build("destroy", "Remove everything the topology owns on its nodes, and nothing else", Intent.Destroy, null, dryRun);
    }

    private static Command Build(string name, string description, Intent intent, Option<bool>? detailed, Option<bool>? dryRun)
    {
        var file = TopologyInput.Argument();
        var json = new Option<bool>("--json") { Description = "Print the plan as JSON (schemas/plan.schema.json) on stdout" };
        var parallelism = new Option<int>("--parallelism")
        {
            Description = "How many nodes to work on at once",
            DefaultValueFactory = _ => BoundedParallel.DefaultParallelism,
        };
        parallelism.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1) r.AddError("--parallelism must be at least 1");
        });

        var command = new Command(name, description) { file, json, parallelism };
        if (detailed is not null) command.Options.Add(detailed);
        if (dryRun is not null) command.Options.Add(dryRun);
        // Only the commands that change hosts lock them; plan never waits for anyone.
        var lockTimeout = intent == Intent.Plan ? null : LockTimeoutOption.Create();
        if (lockTimeout is not null) command.Options.Add(lockTimeout);
        command.SetAction((parse, ct) => RunAsync(
            parse.GetValue(file), intent, parse.GetValue(json), parse.GetValue(parallelism),
            dryRun is not null && parse.GetValue(dryRun), detailed is not null && parse.GetValue(detailed),
            lockTimeout is null ? null : new LockRequest(LockHolder.ForThisProcess($"netplan {name}"), parse.GetValue(lockTimeout)), ct));
        return command;
    }

    private static async Task<int> RunAsync(string? path, Intent intent, bool json, int parallelism, bool dryRun, bool detailed, LockRequest? locking, CancellationToken ct)
    {
        var topology = TopologyInput.Load(path, Console.Error);
        if (topology is null) return Workflow.Failure;

        var colour = !json && !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
        var progress = new Progress(Console.Error, quiet: json);
        var connector = new NodeConnector(
            // A node that does not answer is named at its first failed try (one connect timeout),
            // not only after every retry has run out.
            new SshAgentConnector(new SshOptions(), onRetry: retry => progress.Warn(
                $"node '{retry.Node}': {retry.Error?.Message ?? "no answer"}; try {retry.NextAttempt} in {retry.Delay.TotalSeconds:0.0} s")),
            (_, _) => ValueTask.FromResult<IHostAgent>(new LocalHostAgent()));
        var workflow = new Workflow(connector, parallelism, progress,
            new PlanOutput(Console.Out, Console.Error, json, colour), locking);
        try
        {
            return await workflow.RunAsync(topology, intent, dryRun, detailed, ct);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("error: interrupted");
            return Workflow.Failure;
        }
    }
}
