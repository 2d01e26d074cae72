using System.Text.Json.Serialization;
using NetPlan.Core.State;

namespace NetPlan.Core.Planning.Saved;

/// <summary>What applying a saved plan does: converge the topology, or remove everything it owns.</summary>
public enum PlanKind
{
    [JsonStringEnumMemberName("apply")] Apply,
    [JsonStringEnumMemberName("destroy")] Destroy,
}

/// <summary>
/// A plan saved by <c>netplan plan -out FILE</c> (or <c>destroy -out</c>): everything
/// <c>netplan apply FILE</c> needs to reconnect, check that no host changed, execute exactly these
/// operations and verify, without the topology file. Documented in docs/plan.md, schema in
/// schemas/saved-plan.schema.json.
/// </summary>
/// <param name="Format">Always <see cref="FormatName"/>: how a saved plan is told apart from a topology (which YAML, a JSON superset, could also be).</param>
/// <param name="NetplanVersion">The exact build that made the plan; only that build applies it.</param>
/// <param name="Nodes">Every node of the topology, in its order, with the operations computed from the observation the fingerprint identifies.</param>
public sealed record SavedPlan(
    string Format,
    string FormatVersion,
    string NetplanVersion,
    DateTimeOffset CreatedAt,
    PlanKind Kind,
    SavedTopology Topology,
    IReadOnlyList<HostPlan> Nodes)
{
    public const string FormatName = "netplan-saved-plan";

    /// <summary>Major.minor: a minor bump only adds keys; a major bump means older readers refuse the file.</summary>
    public const string CurrentFormatVersion = "1.0";
    public const int CurrentMajorVersion = 1;

    public static SavedPlan Create(string netplanVersion, DateTimeOffset createdAt, PlanKind kind, SavedTopology topology, IReadOnlyList<HostPlan> nodes) =>
        new(FormatName, CurrentFormatVersion, netplanVersion, createdAt, kind, topology, nodes);

    /// <summary>The plan as the planner would have returned it: the saved operations, nothing re-planned.</summary>
    public PlanResult ToPlanResult() => new(Nodes, [], new Dictionary<string, HostState>());
}

/// <param name="Name">The topology's <c>name:</c>, the owner of every object the plan changes.</param>
/// <param name="Path">Where the source was read (absolute); labels messages and anchors relative paths in it, as when it was planned.</param>
/// <param name="Source">The topology text exactly as read, so apply needs no file and cannot see a later edit.</param>
public sealed record SavedTopology(string Name, string Path, string Source);
