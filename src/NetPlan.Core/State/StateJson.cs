using System.Text.Json;
using System.Text.Json.Serialization;
using NetPlan.Core.Planning;

namespace NetPlan.Core.State;

/// <summary>Source-generated JSON for the state model: the agent protocol and `--json` output use it (trim-safe).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(HostState))]
[JsonSerializable(typeof(Observation))]
[JsonSerializable(typeof(ObserveScope))]
[JsonSerializable(typeof(HostFacts))]
[JsonSerializable(typeof(StateObject))]
[JsonSerializable(typeof(Operation))]
[JsonSerializable(typeof(List<Operation>))]
[JsonSerializable(typeof(HostPlan))]
[JsonSerializable(typeof(ApplyResult))]
[JsonSerializable(typeof(LockHolder))]
public sealed partial class StateJson : JsonSerializerContext;
