using System.Text.Json;
using System.Text.Json.Serialization;
using NetPlan.Core.State;

namespace NetPlan.Agent.Protocol;

// The wire format between netplan and netplan-agent: one JSON object per line (UTF-8, '\n').
//   request:  { "id": 1, "method": "hello" | "observe" | "apply" | "lock" | "unlock", "params": { ... } }
//             apply's params: { "operations": [ ... ], "on_failure": "Rollback" | "Keep" }
//   response: { "id": 1, "result": { ... } }   or   { "id": 1, "error": { "message": "...", ... } }
//             a failed apply: "error": { "message", "kind": "apply", "operation_index", "rollback": { "undone", "failures" } }
// Payloads (HostFacts, ObserveScope, Observation, operations, ApplyResult) are written with the
// state model's own StateJson context, so the envelope carries them as opaque JSON elements.

/// <summary>Names and version of the agent protocol.</summary>
public static class AgentProtocol
{
    /// <summary>Bumped on any incompatible change. Both sides compare it in <c>hello</c>.
    /// 2: lock and unlock; apply takes {"operations", "on_failure"} and a failed apply reports its rollback.</summary>
    public const int Version = 2;

    public const string Hello = "hello";
    public const string Observe = "observe";
    public const string Apply = "apply";
    public const string Lock = "lock";
    public const string Unlock = "unlock";
}

internal sealed record ProtocolRequest(long Id, string Method, JsonElement? Params);

internal sealed record ProtocolResponse(long Id, JsonElement? Result, ProtocolError? Error);

/// <summary>
/// An error reply. <see cref="Kind"/> says how the client should rethrow it: <c>apply</c> (with
/// <see cref="OperationIndex"/> and, when the agent rolled back, <see cref="Rollback"/>) becomes an
/// ApplyException, anything else a RemoteAgentException.
/// </summary>
internal sealed record ProtocolError(string Message, string Kind, int? OperationIndex = null, RollbackReport? Rollback = null);

internal static class ErrorKinds
{
    public const string Apply = "apply";
    /// <summary>The request could not be understood (bad JSON, unknown method, protocol mismatch).</summary>
    public const string Protocol = "protocol";
    /// <summary>The agent threw something else; the message is the exception's.</summary>
    public const string Agent = "agent";
}

internal sealed record HelloParams(int Protocol);

/// <summary>The apply request: the operations (kept as StateJson JSON) and what to do when one fails.</summary>
internal sealed record ApplyParams(JsonElement Operations, OnFailure OnFailure);

/// <summary>The hello reply: the agent's protocol version, then the facts (kept as StateJson JSON).</summary>
internal sealed record HelloResult(int Protocol, JsonElement Facts);

/// <summary>Envelopes only; payload types live in <see cref="NetPlan.Core.State.StateJson"/>. Source-generated: the agent is trimmed.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProtocolRequest))]
[JsonSerializable(typeof(ProtocolResponse))]
[JsonSerializable(typeof(HelloParams))]
[JsonSerializable(typeof(HelloResult))]
[JsonSerializable(typeof(ApplyParams))]
[JsonSerializable(typeof(LockParams))]
[JsonSerializable(typeof(LockResult))]
[JsonSerializable(typeof(UnlockParams))]
internal sealed partial class ProtocolJson : JsonSerializerContext;
