using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using NetPlan.Core.Diagnostics;
using NetPlan.Core.Language;

namespace NetPlan.Core.Planning.Saved;

/// <summary>What a file given to <c>netplan apply</c> holds, judged by its content (never its name).</summary>
public enum PlanFileContent
{
    /// <summary>Anything else: read as a topology, whose loader reports what is wrong with it.</summary>
    Topology,
    /// <summary>A saved plan, or a file that names itself one (read then reports what is damaged).</summary>
    SavedPlan,
    /// <summary>The JSON that <c>netplan plan --json</c> prints: for reading, not for applying.</summary>
    PrintedPlan,
}

/// <summary>The outcome of reading a saved plan: the plan and its topology, or why it cannot be applied.</summary>
public sealed record SavedPlanRead(SavedPlan? Plan, Topology? Topology, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool Succeeded => Plan is not null && Topology is not null;
}

/// <summary>
/// The saved plan's text form: indented JSON (source-generated, the state model's conventions, so
/// operations read exactly as in the agent protocol). Pure: the caller reads and writes the file.
/// </summary>
public static class SavedPlanFile
{
    public static string Write(SavedPlan plan) => JsonSerializer.Serialize(plan, Readable.SavedPlan) + "\n";

    public static PlanFileContent Recognise(string text)
    {
        if (!text.AsSpan().TrimStart("\uFEFF \t\r\n").StartsWith("{")) return PlanFileContent.Topology;
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return PlanFileContent.Topology;
            if (root.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.String
                && format.GetString() == SavedPlan.FormatName)
                return PlanFileContent.SavedPlan;
            return root.TryGetProperty("format_version", out _) && root.TryGetProperty("nodes", out _) && root.TryGetProperty("summary", out _)
                ? PlanFileContent.PrintedPlan
                : PlanFileContent.Topology;
        }
        catch (JsonException)
        {
            // Damaged JSON that still says what it is near the top is a damaged plan, not a topology.
            return text.AsSpan(0, Math.Min(text.Length, 256)).Contains($"\"{SavedPlan.FormatName}\"", StringComparison.Ordinal)
                ? PlanFileContent.SavedPlan
                : PlanFileContent.Topology;
        }
    }

    /// <summary>Reads a saved plan and loads its topology; refuses another build's plan (<paramref name="netplanVersion"/> is this one).</summary>
    /// <param name="file">The plan file's name, for messages.</param>
    public static SavedPlanRead Read(string text, string file, string netplanVersion)
    {
        if (Recognise(text) == PlanFileContent.PrintedPlan)
            return Refused(file, SavedPlanCodes.NotASavedPlan,
                "this is the JSON plan 'netplan plan --json' prints, which is for reading; save a plan to apply with 'netplan plan -out FILE'");

        SavedPlan? plan;
        try
        {
            using (var document = JsonDocument.Parse(text))
                if (FormatProblem(document.RootElement, file) is { } problem) return new(null, null, [problem]);
            plan = JsonSerializer.Deserialize(text, Strict.SavedPlan);
        }
        catch (JsonException e)
        {
            var at = e.LineNumber is { } line ? new SourceSpan(file, (int)line + 1, (int)(e.BytePositionInLine ?? 0) + 1) : new SourceSpan(file, 0, 0);
            return new(null, null, [new Diagnostic(Severity.Error, SavedPlanCodes.Corrupt, $"the saved plan is damaged: {e.Message}", at)]);
        }
        if (plan is null) return Refused(file, SavedPlanCodes.Corrupt, "the saved plan is damaged: it is empty");

        if (plan.NetplanVersion != netplanVersion)
            return Refused(file, SavedPlanCodes.OtherVersion,
                $"the plan was made by netplan {plan.NetplanVersion} and this is netplan {netplanVersion}; a saved plan is applied only by the build that made it: run 'netplan plan -out' again");
        if (ShapeProblem(plan) is { } shape) return Refused(file, SavedPlanCodes.Corrupt, "the saved plan is damaged: " + shape);

        var loaded = TopologyLoader.Parse(plan.Topology.Source, plan.Topology.Path);
        if (loaded.Topology is null)
            return new(null, null, [.. loaded.Errors, new Diagnostic(Severity.Error, SavedPlanCodes.TopologyMismatch,
                "the topology saved in the plan does not load (the plan was edited, or made by another build)", new SourceSpan(file, 0, 0))]);
        if (TopologyProblem(plan, loaded.Topology) is { } mismatch) return Refused(file, SavedPlanCodes.TopologyMismatch, mismatch);
        return new(plan, loaded.Topology, []);
    }

    private static Diagnostic? FormatProblem(JsonElement root, string file)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || format.GetString() != SavedPlan.FormatName)
            return Error(file, SavedPlanCodes.Corrupt, $"not a saved plan: it lacks \"format\": \"{SavedPlan.FormatName}\"");
        var version = root.TryGetProperty("format_version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
        var dot = version.IndexOf('.');
        if (dot <= 0 || !int.TryParse(version.AsSpan(0, dot), out var major) || !int.TryParse(version.AsSpan(dot + 1), out _) || major < 1)
            return Error(file, SavedPlanCodes.Corrupt, $"the saved plan is damaged: format_version '{version}' is not MAJOR.MINOR");
        return major > SavedPlan.CurrentMajorVersion
            ? Error(file, SavedPlanCodes.FutureFormat,
                $"the plan is in format {version}, written by a newer netplan; this one reads format {SavedPlan.CurrentMajorVersion}.x")
            : null;
    }

    /// <summary>What no plan this build writes can look like: it was edited or damaged after saving.</summary>
    private static string? ShapeProblem(SavedPlan plan)
    {
        var duplicate = plan.Nodes.GroupBy(n => n.Node).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) return $"node '{duplicate.Key}' is planned twice";
        foreach (var node in plan.Nodes)
        {
            if (node.Fingerprint.Length != 64 || !node.Fingerprint.All(char.IsAsciiHexDigitLower))
                return $"node '{node.Node}': fingerprint '{node.Fingerprint}' is not a SHA-256 in lower-case hex";
            for (var i = 0; i < node.Operations.Count; i++)
            {
                var op = node.Operations[i];
                var fits = op.Action switch
                {
                    ChangeAction.Create => op.Before is null && op.After is not null,
                    ChangeAction.Delete => op.Before is not null && op.After is null,
                    _ => op.Before is not null && op.After is not null && op.Before.Key == op.After.Key,
                };
                if (!fits) return $"node '{node.Node}': operation {i + 1} ({op.Action.ToString().ToLowerInvariant()}) does not have the objects its action needs";
            }
        }
        return null;
    }

    private static string? TopologyProblem(SavedPlan plan, Topology topology)
    {
        if (topology.Name != plan.Topology.Name)
            return $"the plan names topology '{plan.Topology.Name}' but its saved source is topology '{topology.Name}'";
        var nodes = topology.Nodes.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var planned = plan.Nodes.Select(n => n.Node).ToHashSet(StringComparer.Ordinal);
        return nodes.SetEquals(planned)
            ? null
            : $"the plan covers node(s) {List(planned)} but its topology has {List(nodes)}";
    }

    private static string List(IEnumerable<string> names) => string.Join(", ", names.Order(StringComparer.Ordinal).Select(n => $"'{n}'"));

    private static Diagnostic Error(string file, string code, string message) => new(Severity.Error, code, message, new SourceSpan(file, 0, 0));

    private static SavedPlanRead Refused(string file, string code, string message) => new(null, null, [Error(file, code, message)]);

    // Topology source and names are read by people: keep quotes and non-ASCII as they are. The file
    // is never embedded in HTML, so relaxed escaping is safe.
    private static readonly SavedPlanJson Readable = new(new JsonSerializerOptions(SavedPlanJson.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    // Reading refuses a file that lacks a key or holds null where the model has none: a plan with a
    // hole in it is damaged, and applying a part of it is never right.
    private static readonly SavedPlanJson Strict = new(new JsonSerializerOptions(SavedPlanJson.Default.Options)
    {
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    });
}

/// <summary>
/// Source-generated (trim-safe) JSON for saved plans, with the state model's conventions
/// (<see cref="State.StateJson"/>) except that nulls are written: every key is always present, so
/// reading can refuse a file that lacks one.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    UseStringEnumConverter = true,
    WriteIndented = true)]
[JsonSerializable(typeof(SavedPlan))]
public sealed partial class SavedPlanJson : JsonSerializerContext;
