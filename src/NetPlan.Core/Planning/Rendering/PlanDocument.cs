using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using NetPlan.Core.Diagnostics;
using NetPlan.Core.State;

namespace NetPlan.Core.Planning.Rendering;

// The machine-readable plan (`netplan plan --json`). Documented in docs/plan.md, schema in
// schemas/plan.schema.json. format_version follows Terraform's rule: a minor bump only adds keys
// (readers ignore unknown ones), a major bump means readers must refuse the document.

public sealed record PlanDocument(
    string FormatVersion,
    string Topology,
    IReadOnlyList<NodePlanDocument> Nodes,
    SummaryDocument Summary,
    IReadOnlyList<ErrorDocument> Errors)
{
    public const string CurrentFormatVersion = "1.0";
}

public sealed record NodePlanDocument(
    string Node,
    string Fingerprint,
    IReadOnlyList<OperationDocument> Operations,
    SummaryDocument Summary);

/// <param name="Action"><c>create</c>, <c>update</c>, <c>replace</c> or <c>delete</c>.</param>
/// <param name="Type">The object type, the same as the <c>type</c> inside before/after.</param>
/// <param name="ReplacePaths">Of <paramref name="Changed"/>, the paths that force a replacement.</param>
/// <param name="ImpliedBy">Key of the operation whose execution removes this object; the agent does not execute it.</param>
public sealed record OperationDocument(
    string Action,
    string Key,
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] StateObject? Before,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] StateObject? After,
    IReadOnlyList<string> Changed,
    IReadOnlyList<string> ReplacePaths,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? ImpliedBy);

public sealed record SummaryDocument(int Add, int Change, int Destroy)
{
    public static SummaryDocument From(PlanSummary summary) => new(summary.Add, summary.Change, summary.Destroy);
}

public sealed record ErrorDocument(
    string Code,
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? File,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? Line,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? Column);

/// <summary>Source-generated (trim-safe) JSON for the plan document, with the state model's conventions.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    WriteIndented = true)]
[JsonSerializable(typeof(PlanDocument))]
public sealed partial class PlanJson : JsonSerializerContext;

/// <summary>Builds and writes the JSON plan.</summary>
public static class PlanJsonRenderer
{
    public static PlanDocument Document(string topology, PlanResult plan)
    {
        var nodes = plan.Hosts.Select(h => new NodePlanDocument(
            h.Node, h.Fingerprint, h.Operations.Select(ToDocument).ToList(),
            SummaryDocument.From(PlanSummary.Of(h.Operations)))).ToList();
        var errors = plan.Errors.Select(e => e.At.Line == 0
            ? new ErrorDocument(e.Code, e.Message, null, null, null)
            : new ErrorDocument(e.Code, e.Message, e.At.File, e.At.Line, e.At.Column)).ToList();
        return new PlanDocument(PlanDocument.CurrentFormatVersion, topology, nodes, SummaryDocument.From(plan.Summary), errors);
    }

    // Plans are read by people too: keep quotes and non-ASCII (→, names) as they are. The output is
    // a JSON document on stdout, never embedded in HTML, so relaxed escaping is safe.
    private static readonly PlanJson Readable = new(new JsonSerializerOptions(PlanJson.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static string Render(string topology, PlanResult plan) =>
        JsonSerializer.Serialize(Document(topology, plan), Readable.PlanDocument) + "\n";

    private static OperationDocument ToDocument(Operation op)
    {
        var replacePaths = op.Action == ChangeAction.Replace
            ? StateComparer.Compare(op.Before!, op.After!).Where(c => c.ForcesReplacement).Select(c => c.Path).ToList()
            : [];
        return new OperationDocument(
            op.Action.ToString().ToLowerInvariant(), op.Key, Attributes.TypeOf((op.After ?? op.Before)!),
            op.Before, op.After, op.Changed, replacePaths, op.ImpliedBy);
    }
}
