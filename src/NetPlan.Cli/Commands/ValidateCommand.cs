using System.CommandLine;
using NetPlan.Core.Diagnostics;
using NetPlan.Core.Language;

namespace NetPlan.Cli.Commands;

/// <summary><c>netplan validate FILE [--json]</c>: load and check a topology; exit 0 when valid (warnings allowed), 1 otherwise.</summary>
public static class ValidateCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "The topology file to check, e.g. topology.yml" };
        var json = new Option<bool>("--json") { Description = "Print the diagnostics as one JSON object on stdout" };
        var command = new Command("validate", "Check a topology file and report every problem, compiler-style") { file, json };
        command.SetAction(parse => Run(parse.GetValue(file)!, parse.GetValue(json), Console.Out, Console.Error));
        return command;
    }

    public static int Run(string path, bool asJson, TextWriter stdout, TextWriter stderr)
    {
        var result = TopologyLoader.Load(path);
        var report = DiagnosticReport.For(path, result.Diagnostics);
        if (asJson)
        {
            stdout.WriteLine(report.ToJson());
        }
        else
        {
            foreach (var diagnostic in result.Diagnostics) stderr.WriteLine(DiagnosticReport.FormatLine(diagnostic));
            stderr.WriteLine(report.Summary());
        }
        return report.Valid ? 0 : 1;
    }
}
