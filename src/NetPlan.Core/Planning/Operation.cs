using System.Text.Json.Serialization;
using NetPlan.Core.State;

namespace NetPlan.Core.Planning;

[JsonConverter(typeof(JsonStringEnumConverter<ChangeAction>))]
public enum ChangeAction { Create, Update, Replace, Delete }

/// <summary>
/// One step of a host's plan. Create has only <see cref="After"/>, Delete only <see cref="Before"/>,
/// Update and Replace both (Replace = delete then create: the attribute that changed cannot change in place).
/// </summary>
public sealed record Operation(ChangeAction Action, StateObject? Before, StateObject? After)
{
    public string Key => (After ?? Before)!.Key;

    /// <summary>Attribute paths that differ (Update and Replace), e.g. <c>mtu</c>, <c>peer.mac</c>.</summary>
    public IReadOnlyList<string> Changed { get; init; } = Array.Empty<string>();

    /// <summary>
    /// Set when this object disappears as a consequence of another operation (a veth whose sandbox
    /// namespace is deleted, an address on a deleted link). Shown in the plan; the agent does not
    /// execute it, and verification checks the object is gone.
    /// </summary>
    public string? ImpliedBy { get; init; }
}

/// <summary>The ordered operations for one host, and the fingerprint of the observation they were computed from.</summary>
public sealed record HostPlan(string Node, IReadOnlyList<Operation> Operations, string Fingerprint);
