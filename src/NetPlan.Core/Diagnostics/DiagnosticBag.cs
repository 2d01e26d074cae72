using NetPlan.Core.Language;

namespace NetPlan.Core.Diagnostics;

/// <summary>Collects findings so a run reports all of them at once, sorted by position.</summary>
public sealed class DiagnosticBag
{
    readonly List<Diagnostic> items = [];

    public bool HasErrors => items.Any(d => d.Severity == Severity.Error);

    public void Error(string code, string message, SourceSpan at) => items.Add(new(Severity.Error, code, message, at));

    public void Warning(string code, string message, SourceSpan at) => items.Add(new(Severity.Warning, code, message, at));

    /// <summary>Sorted by file, line, column, then code; exact duplicates dropped.</summary>
    public IReadOnlyList<Diagnostic> ToSortedList() => items
        .Distinct()
        .OrderBy(d => d.At.File, StringComparer.Ordinal)
        .ThenBy(d => d.At.Line)
        .ThenBy(d => d.At.Column)
        .ThenBy(d => d.Code, StringComparer.Ordinal)
        .ToList();
}
