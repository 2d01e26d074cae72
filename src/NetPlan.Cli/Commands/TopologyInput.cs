using System.CommandLine;
using NetPlan.Cli.Engine;
using NetPlan.Core.Diagnostics;
using NetPlan.Core.Language;
using NetPlan.Core.Planning.Saved;

namespace NetPlan.Cli.Commands;

/// <summary>What a command was given: a topology and the text it came from, and the saved plan when FILE was one.</summary>
internal sealed record Input(Topology Topology, SavedTopology Source, SavedPlan? SavedPlan);

/// <summary>
/// The FILE argument every topology command takes, and loading it. With no FILE, the embedded
/// quick start (a one-node, <c>connection: local</c> topology) is used, so `netplan apply` works
/// on a fresh machine with nothing else. A FILE whose content is a saved plan (`plan -out`) is read
/// as one, whatever its name.
/// </summary>
internal static class TopologyInput
{
    public const string EmbeddedName = "quickstart.yml";

    public static Argument<string?> Argument() => new("FILE")
    {
        Description = "The topology file (default: the embedded quick start, applied to this machine)",
        Arity = ArgumentArity.ZeroOrOne,
    };

    /// <summary>The input, or null after printing its diagnostics (warnings are printed and allowed).</summary>
    /// <param name="acceptSavedPlan">Only apply takes a saved plan; the other commands name the mistake.</param>
    public static Input? Load(string? path, bool acceptSavedPlan, TextWriter stderr)
    {
        string label, text;
        if (path is null)
        {
            (label, text) = (EmbeddedName + " (embedded)", ReadEmbedded());
        }
        else
        {
            if (TopologyLoader.ReadText(path, out var read) is { } unreadable) return Failed(path, [unreadable], stderr);
            // The full path: a saved plan re-reads the text later, maybe from elsewhere, and relative
            // paths inside it must still mean what they meant.
            (label, text) = (Path.GetFullPath(path), read!);
        }

        if (path is not null && SavedPlanFile.Recognise(text) != PlanFileContent.Topology)
            return acceptSavedPlan ? LoadSavedPlan(path, text, stderr) : Failed(path, [NotHere(path)], stderr);

        var result = TopologyLoader.Parse(text, path ?? label);
        foreach (var diagnostic in result.Diagnostics) stderr.WriteLine(DiagnosticReport.FormatLine(diagnostic));
        if (result.Topology is null)
        {
            stderr.WriteLine(DiagnosticReport.For(path ?? EmbeddedName, result.Diagnostics).Summary());
            return null;
        }
        return new Input(result.Topology, new SavedTopology(result.Topology.Name, label, text), null);
    }

    private static Input? LoadSavedPlan(string path, string text, TextWriter stderr)
    {
        var read = SavedPlanFile.Read(text, path, BuildVersion.Current);
        if (!read.Succeeded) return Failed(path, read.Diagnostics, stderr);
        return new Input(read.Topology!, read.Plan!.Topology, read.Plan);
    }

    private static Diagnostic NotHere(string path) => new(Severity.Error, SavedPlanCodes.NotASavedPlan,
        "this is a plan, not a topology: apply a saved plan with 'netplan apply FILE'", new SourceSpan(path, 0, 0));

    private static Input? Failed(string path, IReadOnlyList<Diagnostic> diagnostics, TextWriter stderr)
    {
        foreach (var diagnostic in diagnostics) stderr.WriteLine(DiagnosticReport.FormatLine(diagnostic));
        stderr.WriteLine(DiagnosticReport.For(path, diagnostics).Summary());
        return null;
    }

    private static string ReadEmbedded()
    {
        using var stream = typeof(TopologyInput).Assembly.GetManifestResourceStream(EmbeddedName)
            ?? throw new InvalidOperationException($"the embedded {EmbeddedName} is missing from this build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
