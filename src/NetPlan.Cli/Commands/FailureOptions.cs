using System.CommandLine;
using NetPlan.Cli.Engine;
using NetPlan.Core.State;

namespace NetPlan.Cli.Commands;

/// <summary><c>--on-failure=rollback|keep</c> and <c>--atomic</c>, on apply and destroy.</summary>
internal sealed class FailureOptions
{
    private readonly Option<string> _onFailure = new("--on-failure")
    {
        Description = "When an operation fails on a node: undo what ran there before it (rollback) or keep it (keep)",
        DefaultValueFactory = _ => "rollback",
    };

    private readonly Option<bool> _atomic = new("--atomic")
    {
        Description = "When any node fails, also take back the nodes that succeeded",
    };

    public static FailureOptions Add(Command command)
    {
        var options = new FailureOptions();
        options._onFailure.AcceptOnlyFromAmong("rollback", "keep");
        command.Options.Add(options._onFailure);
        command.Options.Add(options._atomic);
        command.Validators.Add(r =>
        {
            if (r.GetValue(options._atomic) && r.GetValue(options._onFailure) == "keep")
                r.AddError("--atomic takes every node back when one fails; it cannot be combined with --on-failure=keep");
        });
        return options;
    }

    public FailurePolicy Read(ParseResult parse) => new(
        parse.GetValue(_onFailure) == "keep" ? OnFailure.Keep : OnFailure.Rollback,
        parse.GetValue(_atomic));
}
