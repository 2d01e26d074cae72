using System.CommandLine;
using NetPlan.Core.Diagnostics;
using NetPlan.Core.Language;

namespace NetPlan.Cli.Commands;

/// <summary>
/// The FILE argument every topology command takes, and loading it. With no FILE, the embedded
/// quick start (a one-node, <c>connection: local</c> topology) is used, so `netplan apply` works
/// on a fresh machine with nothing else.
/// </summary>
internal static class TopologyInput
{
    public const string EmbeddedName = "quickstart.yml";

    public static Argument<string?> Argument() => new("FILE")
    {
        Description = "The topology file (default: the embedded quick start, applied to this machine)",
        Arity = ArgumentArity.ZeroOrOne,
    };

    /// <summary>The topology, or null after printing its diagnostics (warnings are printed and allowed).</summary>
    public static Topology? Load(string? path, TextWriter stderr)
    {
        var result = path is null ? LoadEmbedded() : TopologyLoader.Load(path);
        foreach (var diagnostic in result.Diagnostics) stderr.WriteLine(DiagnosticReport.FormatLine(diagnostic));
        if (result.Topology is null)
            stderr.WriteLine(DiagnosticReport.For(path ?? EmbeddedName, result.Diagnostics).Summary());
        return result.Topology;
    }

    private static LoadResult LoadEmbedded()
    {
        using var stream = typeof(TopologyInput).Assembly.GetManifestResourceStream(EmbeddedName)
            ?? throw new InvalidOperationException($"the embedded {EmbeddedName} is missing from this build");
        using var reader = new StreamReader(stream);
        return TopologyLoader.Parse(reader.ReadToEnd(), EmbeddedName + " (embedded)");
    }
}
