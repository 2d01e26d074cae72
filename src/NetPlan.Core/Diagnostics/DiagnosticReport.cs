using System.Text.Json;
using System.Text.Json.Serialization;

namespace NetPlan.Core.Diagnostics;

/// <summary>
/// How diagnostics are shown to people and to programs. Text: one compiler-style line per finding
/// (<c>FILE:LINE:COL: error NP0203: message</c>) and a summary line. JSON (<c>--json</c>): one
/// <see cref="DiagnosticReport"/> object, documented in docs/topology.md.
/// </summary>
public sealed record DiagnosticReport(
    string File,
    bool Valid,
    int ErrorCount,
    int WarningCount,
    IReadOnlyList<DiagnosticEntry> Diagnostics)
{
    public static DiagnosticReport For(string file, IReadOnlyList<Diagnostic> diagnostics)
    {
        int errors = diagnostics.Count(d => d.Severity == Severity.Error);
        return new(file, errors == 0, errors, diagnostics.Count - errors,
            diagnostics.Select(d => new DiagnosticEntry(
                d.At.File, d.At.Line, d.At.Column,
                d.Severity == Severity.Error ? "error" : "warning",
                d.Code, d.Message)).ToList());
    }

    public string ToJson() => JsonSerializer.Serialize(this, DiagnosticJson.Readable.DiagnosticReport);

    /// <summary>The compiler-style line; a finding with no position (unreadable file) shows the file only.</summary>
    public static string FormatLine(Diagnostic d)
    {
        var where = d.At.Line > 0 ? d.At.ToString() : d.At.File;
        return $"{where}: {(d.Severity == Severity.Error ? "error" : "warning")} {d.Code}: {d.Message}";
    }

    /// <summary><c>topology.yml: valid</c>, <c>topology.yml: valid, 1 warning</c> or <c>topology.yml: 3 errors, 1 warning</c>.</summary>
    public string Summary()
    {
        static string Count(int n, string word) => $"{n} {word}{(n == 1 ? "" : "s")}";
        if (Valid) return WarningCount == 0 ? $"{File}: valid" : $"{File}: valid, {Count(WarningCount, "warning")}";
        return WarningCount == 0
            ? $"{File}: {Count(ErrorCount, "error")}"
            : $"{File}: {Count(ErrorCount, "error")}, {Count(WarningCount, "warning")}";
    }
}

/// <summary>One diagnostic in JSON: 1-based line and column (0 when the file could not be read).</summary>
public sealed record DiagnosticEntry(string File, int Line, int Column, string Severity, string Code, string Message);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(DiagnosticReport))]
public sealed partial class DiagnosticJson : JsonSerializerContext
{
    // Messages quote names ('front'); the default encoder would print \u0027. The output is not
    // embedded in HTML, so the relaxed encoder is the honest choice.
    public static DiagnosticJson Readable { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
