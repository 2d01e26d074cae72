namespace NetPlan.Core.Diagnostics;

using NetPlan.Core.Language;

public enum Severity { Error, Warning }

/// <summary>
/// One compiler-style finding: <c>FILE:LINE:COL: error NP0203: message</c>.
/// Codes are stable: tests and users key on them. The catalogue lives in <see cref="Codes"/>.
/// </summary>
public sealed record Diagnostic(Severity Severity, string Code, string Message, SourceSpan At)
{
    public override string ToString() =>
        $"{At}: {(Severity == Severity.Error ? "error" : "warning")} {Code}: {Message}";
}
