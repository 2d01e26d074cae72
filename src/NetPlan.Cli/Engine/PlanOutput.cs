using NetPlan.Core.Diagnostics;
using NetPlan.Core.Planning;
using NetPlan.Core.Planning.Rendering;
using Spectre.Console;

namespace NetPlan.Cli.Engine;

/// <summary>
/// How a command's plan and outcome are shown: the Terraform-style text (coloured on a terminal)
/// or the documented JSON plan on stdout; plan errors compiler-style on stderr.
/// </summary>
internal sealed class PlanOutput(TextWriter stdout, TextWriter stderr, bool json, bool colour)
{
    public void Plan(string topology, PlanResult plan)
    {
        foreach (var error in plan.Errors) stderr.WriteLine(DiagnosticReport.FormatLine(error));
        if (json)
        {
            stdout.WriteLine(PlanRenderer.Json(topology, plan));
            return;
        }
        if (plan.HasErrors)
        {
            stderr.WriteLine($"Plan failed: {plan.Errors.Count} error(s); nothing was changed on any node.");
            return;
        }
        var text = PlanRenderer.Text(plan);
        if (!colour)
        {
            stdout.Write(text);
            return;
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) });
        foreach (var line in text.TrimEnd('\n').Split('\n'))
            console.MarkupLine(Colour(line) is { } style ? $"[{style}]{Markup.Escape(line)}[/]" : Markup.Escape(line));
    }

    /// <summary>After apply, anything still differing is shown by object and attribute; true when nothing differs.</summary>
    public bool Verification(PlanResult residual)
    {
        foreach (var error in residual.Errors) stderr.WriteLine("verification: " + DiagnosticReport.FormatLine(error));
        var differing = residual.Hosts.SelectMany(h => h.Operations.Select(op => (h.Node, op))).ToList();
        foreach (var (node, op) in differing)
        {
            // The residual plan goes from what is observed to what is desired: "mtu 1500 → 1450".
            var what = op.Changed.Count > 0 ? $" (observed → desired): {string.Join(", ", PlanText.ChangedValues(op))}" : "";
            var verb = op.Action switch
            {
                ChangeAction.Create => "is missing",
                ChangeAction.Delete => "should not exist",
                _ => "differs",
            };
            stderr.WriteLine($"verification: node '{node}': {PlanText.Address(op)} {verb}{what}");
        }
        return residual.Errors.Count == 0 && differing.Count == 0;
    }

    public void Complete(Intent intent, PlanSummary summary)
    {
        var line = intent == Intent.Destroy
            ? $"Destroy complete! Resources: {summary.Destroy} destroyed."
            : $"Apply complete! Resources: {summary.Add} added, {summary.Change} changed, {summary.Destroy} destroyed.";
        (json ? stderr : stdout).WriteLine(line);
    }

    private static string? Colour(string line) => line.TrimStart() switch
    {
        var l when l.StartsWith("-/+") => "yellow",
        var l when l.StartsWith('+') => "green",
        var l when l.StartsWith('~') => "yellow",
        var l when l.StartsWith('-') => "red",
        var l when l.StartsWith("Plan:") => "bold",
        _ => null,
    };
}
