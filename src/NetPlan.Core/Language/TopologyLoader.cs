using NetPlan.Core.Diagnostics;
using NetPlan.Core.Language.Loading;
using NetPlan.Core.Language.Yaml;

namespace NetPlan.Core.Language;

/// <summary>The outcome of loading a topology: the model, or null when any diagnostic is an error.</summary>
public sealed record LoadResult(Topology? Topology, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool Succeeded => Topology is not null;
    public IEnumerable<Diagnostic> Errors => Diagnostics.Where(d => d.Severity == Severity.Error);
    public IEnumerable<Diagnostic> Warnings => Diagnostics.Where(d => d.Severity == Severity.Warning);
}

/// <summary>
/// The topology language's front door: YAML text in, a validated <see cref="Topology"/> or
/// compiler-style diagnostics out (all of them, sorted by position). Never throws on bad input.
/// </summary>
public static class TopologyLoader
{
    /// <summary>Reads and loads a topology file. The only I/O here is reading that file.</summary>
    public static LoadResult Load(string path) =>
        ReadText(path, out var text) is { } unreadable ? new(null, [unreadable]) : Parse(text!, path);

    /// <summary>Reads a topology file's text (for callers that keep it, as a saved plan does); the error when it cannot be read.</summary>
    public static Diagnostic? ReadText(string path, out string? text)
    {
        try
        {
            text = File.ReadAllText(path);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            text = null;
            var reason = ex is FileNotFoundException or DirectoryNotFoundException ? "no such file" : ex.Message;
            return new Diagnostic(Severity.Error, Codes.FileUnreadable, $"cannot read topology file: {reason}", new SourceSpan(path, 0, 0));
        }
    }

    /// <summary>
    /// Loads topology text. <paramref name="fileName"/> labels diagnostics and anchors relative
    /// paths (its directory); <paramref name="homeDirectory"/> expands <c>~</c> (default: $HOME).
    /// </summary>
    public static LoadResult Parse(string yamlText, string fileName, string? homeDirectory = null)
    {
        var diagnostics = new DiagnosticBag();
        var root = YamlTreeReader.Read(yamlText, fileName, diagnostics);
        if (diagnostics.HasErrors && root is null) return new(null, diagnostics.ToSortedList());

        var access = new YamlAccess(fileName, diagnostics);
        var draft = new Binder(access).Bind(root, new SourceSpan(fileName, 1, 1));
        if (draft is null) return new(null, diagnostics.ToSortedList());

        new Validator(draft, diagnostics).Run();
        if (diagnostics.HasErrors) return new(null, diagnostics.ToSortedList());

        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(fileName)) ?? "/";
        var home = homeDirectory ?? Environment.GetEnvironmentVariable("HOME");
        var topology = new ModelBuilder(draft, fileName, baseDirectory, home).Build();
        return new(topology, diagnostics.ToSortedList());
    }
}
