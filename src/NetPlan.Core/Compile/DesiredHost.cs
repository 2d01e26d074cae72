using NetPlan.Core.Diagnostics;
using NetPlan.Core.State;
using NetPlan.Core.Language;

namespace NetPlan.Core.Compile;

/// <summary>
/// The objects one node must hold, and for each object key the place in the topology that asked for
/// it (so a conflict found later can point at the line responsible).
/// </summary>
public sealed record DesiredHost(HostState State, IReadOnlyDictionary<string, SourceSpan> Origins);

/// <summary>The desired state of every node that compiled, and the errors of those that did not.</summary>
public sealed record CompileResult(IReadOnlyDictionary<string, DesiredHost> Hosts, IReadOnlyList<Diagnostic> Errors);

/// <summary>Collects one node's desired objects; a key produced twice is a compiler bug, not user error.</summary>
internal sealed class DesiredHostBuilder
{
    private readonly List<StateObject> _objects = [];
    private readonly Dictionary<string, SourceSpan> _origins = new(StringComparer.Ordinal);

    public void Add(StateObject obj, SourceSpan origin)
    {
        if (!_origins.TryAdd(obj.Key, origin))
            throw new InvalidOperationException($"the compiler produced {obj.Key} twice");
        _objects.Add(obj);
    }

    public DesiredHost Build() => new(new HostState(_objects), _origins);
}
