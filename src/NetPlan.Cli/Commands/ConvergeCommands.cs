using System.CommandLine;
using NetPlan.Agent;
using NetPlan.Cli.Engine;
using NetPlan.Core.Planning.Saved;
using NetPlan.Core.State;
using NetPlan.Transport.Nodes;
using NetPlan.Transport.Ssh;

namespace NetPlan.Cli.Commands;

/// <summary>
/// <c>netplan plan | apply | destroy [FILE]</c>: the same workflow with a different intent.
/// Exit codes: 0 success (plan: no changes), 1 error, 2 changes present (plan --detailed-exitcode).
/// <c>plan -out PLANFILE</c> and <c>destroy -out PLANFILE</c> save the plan; <c>apply PLANFILE</c> executes it.
/// </summary>
internal static class ConvergeCommands
{
    public static Command Plan()
    {
        var detailed = new Option<bool>("--detailed-exitcode") { Description = "Exit 0 when nothing would change, 2 when something would, 1 on error" };
        return Build("plan", "Show what apply would change on every node, without changing anything", Intent.Plan, detailed, null,
            Out("Save the plan to PLANFILE (mode 0600); 'netplan apply PLANFILE' then executes exactly it"));
    }

    public static Command Apply()
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Stop after showing the plan" };
        return Build("apply", "Converge every node to the topology (or execute a saved plan, FILE = PLANFILE), then verify it", Intent.Apply, null, dryRun, null);
    }

    public static Command Destroy()
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Stop after showing what would be removed" };
        return Build("destroy", "Remove everything the topology owns on its nodes, and nothing else", Intent.Destroy, null, dryRun,
            Out("Only save the destroy plan to PLANFILE (mode 0600), changing nothing; 'netplan apply PLANFILE' executes it"));
    }

    // Terraform's spelling (-out, also -out=FILE) and the GNU one.
    private static Option<string?> Out(string description) => new("-out", "--out") { Description = description, HelpName = "PLANFILE" };

    private static Command Build(string name, string description, Intent intent, Option<bool>? detailed, Option<bool>? dryRun, Option<string?>? save)
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
        if (save is not null) command.Options.Add(save);
        var failure = intent == Intent.Plan ? null : FailureOptions.Add(command);
        // Only the commands that change hosts lock them; plan never waits for anyone.
        var lockTimeout = intent == Intent.Plan ? null : LockTimeoutOption.Create();
        if (lockTimeout is not null) command.Options.Add(lockTimeout);
        command.SetAction((parse, ct) => RunAsync(
            parse.GetValue(file), intent, parse.GetValue(json), parse.GetValue(parallelism),
            dryRun is not null && parse.GetValue(dryRun), detailed is not null && parse.GetValue(detailed),
            save is null ? null : parse.GetValue(save), failure?.Read(parse) ?? FailurePolicy.Default,
            lockTimeout is null ? null : new LockRequest(LockHolder.ForThisProcess($"netplan {name}"), parse.GetValue(lockTimeout)), ct));
        return command;
    }

    private static async Task<int> RunAsync(string? path, Intent intent, bool json, int parallelism, bool dryRun, bool detailed,
        string? saveTo, FailurePolicy onFailure, LockRequest? locking, CancellationToken ct)
    {
        LocalHostAgent.PrepareProcess();
        var input = TopologyInput.Load(path, acceptSavedPlan: intent == Intent.Apply, Console.Error);
        if (input is null) return Workflow.Failure;
        var topology = input.Topology;
        // A saved plan says itself whether it converges or destroys.
        if (input.SavedPlan is { Kind: PlanKind.Destroy }) intent = Intent.Destroy;

        var colour = !json && !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
        var progress = new Progress(Console.Error, quiet: json);
        var connector = new NodeConnector(
            // A node that does not answer is named at its first failed try (one connect timeout),
            // not only after every retry has run out.
            new SshAgentConnector(new SshOptions(), onRetry: retry => progress.Warn(
                $"node '{retry.Node}': {retry.Error?.Message ?? "no answer"}; try {retry.NextAttempt} in {retry.Delay.TotalSeconds:0.0} s")),
            (_, _) => ValueTask.FromResult<IHostAgent>(new LocalHostAgent()));
        var workflow = new Workflow(connector, parallelism, progress,
            new PlanOutput(Console.Out, Console.Error, json, colour), locking)
        {
            SaveTo = saveTo is null ? null : new PlanSaver(saveTo, input.Source, intent == Intent.Destroy ? PlanKind.Destroy : PlanKind.Apply),
            Saved = input.SavedPlan,
            OnFailure = onFailure,
        };
        // destroy -out saves what it would remove and stops there, as plan -out does.
        if (saveTo is not null) dryRun = true;
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
