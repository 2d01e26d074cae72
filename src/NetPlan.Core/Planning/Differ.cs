using NetPlan.Core.Diagnostics;
using NetPlan.Core.State;
using NetPlan.Core.Language;

namespace NetPlan.Core.Planning;

/// <summary>A host's ordered operations, or why the host cannot be planned.</summary>
public sealed record DiffResult(IReadOnlyList<Operation> Operations, IReadOnlyList<Diagnostic> Errors);

/// <summary>
/// Structural diff of one host: desired against observed, by key. Only objects owned by the topology
/// are updated or deleted (sysctls are settings: updated, never deleted, whoever set them); a foreign
/// object holding a desired key is an error naming it, never clobbered. Objects that vanish as a side
/// effect of another operation (everything in a deleted namespace, a veth whose peer's namespace is
/// deleted, addresses and entries on a deleted link) are listed as deletes implied by that operation;
/// the agent does not execute them. Desired objects that vanish that way are created again.
/// </summary>
public static class Differ
{
    public static DiffResult Diff(
        string topology, string node, HostState desired, HostState observed,
        IReadOnlyDictionary<string, SourceSpan>? origins = null)
    {
        var observedByKey = new Dictionary<string, StateObject>(StringComparer.Ordinal);
        foreach (var obj in observed.Objects) observedByKey.TryAdd(obj.Key, obj);
        var desiredByKey = new Dictionary<string, StateObject>(StringComparer.Ordinal);
        foreach (var obj in desired.Objects) desiredByKey.TryAdd(obj.Key, obj);

        var errors = new List<Diagnostic>();
        var operations = new Dictionary<string, Operation>(StringComparer.Ordinal);
        var conflicts = new HashSet<string>(StringComparer.Ordinal);

        foreach (var (key, want) in desiredByKey)
        {
            if (!observedByKey.TryGetValue(key, out var have))
            {
                operations[key] = new Operation(ChangeAction.Create, null, want);
                continue;
            }
            if (want is not SysctlObject && have.Owner != topology)
            {
                conflicts.Add(key);
                errors.Add(new Diagnostic(Severity.Error, PlanCodes.ForeignObject,
                    $"{Describe(have)} exists on node {node} and is not owned by topology '{topology}'" +
                    (have.Owner is null ? "" : $" (it belongs to topology '{have.Owner}')") + "; NetPlan will not touch it",
                    origins is not null && origins.TryGetValue(key, out var at) ? at : SourceSpan.None));
                continue;
            }
            var changes = StateComparer.Compare(have, want);
            if (changes.Count == 0) continue;
            var action = changes.Any(c => c.ForcesReplacement) ? ChangeAction.Replace : ChangeAction.Update;
            operations[key] = new Operation(action, have, want) { Changed = changes.Select(c => c.Path).ToList() };
        }

        foreach (var (key, have) in observedByKey)
            if (!desiredByKey.ContainsKey(key) && have.Owner == topology && IsDeletable(have))
                operations[key] = new Operation(ChangeAction.Delete, have, null);

        ApplySideEffects(observedByKey, desiredByKey, conflicts, operations);
        return new DiffResult(OperationOrder.Sort(operations.Values), errors);
    }

    /// <summary>Sysctls are settings, not things; a sandbox's loopback goes only with its namespace.</summary>
    private static bool IsDeletable(StateObject obj) =>
        obj is not SysctlObject && obj is not LinkObject { Name: Ownership.NamespaceMarkLink, Namespace.Length: > 0 };

    /// <summary>
    /// Works out what disappears without being deleted itself, and turns it into implied deletes
    /// (undesired) or creations (desired, to be rebuilt after the operation that removes it).
    /// </summary>
    private static void ApplySideEffects(
        Dictionary<string, StateObject> observed, Dictionary<string, StateObject> desired,
        HashSet<string> conflicts, Dictionary<string, Operation> operations)
    {
        // Roots: what the agent removes itself (deletes, and the delete half of replacements).
        var goneNamespaces = new HashSet<string>(StringComparer.Ordinal);
        foreach (var op in operations.Values)
            if (op is { Action: ChangeAction.Delete, Before: NamespaceObject ns }) goneNamespaces.Add(ns.Name);

        string? NamespaceCause(string ns) => ns.Length > 0 && goneNamespaces.Contains(ns) ? $"netns:{ns}" : null;

        // Links first: a link vanishes with its namespace, and a veth with its peer's namespace.
        var goneLinks = new Dictionary<(string Ns, string Name), string>();
        var causes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var link in observed.Values.OfType<LinkObject>())
        {
            var cause = NamespaceCause(link.Namespace) ?? (link.Peer is { } peer ? NamespaceCause(peer.Namespace) : null);
            if (cause is null && operations.TryGetValue(link.Key, out var op) && op.Action is ChangeAction.Delete or ChangeAction.Replace)
                cause = link.Key;
            if (cause is null) continue;
            causes[link.Key] = cause;
            goneLinks[(link.Namespace, link.Name)] = cause;
            if (link.Peer is { } p) goneLinks[(p.Namespace, p.Name)] = cause;
        }

        string? LinkCause(string ns, string? name) =>
            name is not null && goneLinks.TryGetValue((ns, name), out var cause) ? cause : null;

        foreach (var obj in observed.Values)
        {
            var cause = obj switch
            {
                LinkObject => causes.GetValueOrDefault(obj.Key),
                AddressObject a => NamespaceCause(a.Namespace) ?? LinkCause(a.Namespace, a.Link),
                RouteObject r => NamespaceCause(r.Namespace) ?? LinkCause(r.Namespace, r.Device),
                NeighbourObject n => NamespaceCause(n.Namespace) ?? LinkCause(n.Namespace, n.Link),
                FdbObject f => NamespaceCause(f.Namespace) ?? LinkCause(f.Namespace, f.Link),
                SysctlObject s => NamespaceCause(s.Namespace) ?? LinkCause(s.Namespace, OperationOrder.InterfaceOf(s)),
                _ => null,
            };
            if (cause is null || cause == obj.Key || conflicts.Contains(obj.Key)) continue;
            // A setting of a device that goes goes with it; only one we want is worth a line (to set it again).
            if (obj is SysctlObject && !desired.ContainsKey(obj.Key)) continue;

            if (desired.TryGetValue(obj.Key, out var want))
                operations[obj.Key] = new Operation(ChangeAction.Create, null, want);
            else
                operations[obj.Key] = new Operation(ChangeAction.Delete, obj, null) { ImpliedBy = cause };
        }

        // A port whose master is replaced falls out of the bridge; enslave it again afterwards.
        foreach (var (key, want) in desired)
        {
            if (want is not LinkObject { Master: { } master } port || operations.ContainsKey(key) || conflicts.Contains(key)) continue;
            if (LinkCause(port.Namespace, master) is null || observed[key] is not LinkObject have) continue;
            operations[key] = new Operation(ChangeAction.Update, have with { Master = null }, want) { Changed = ["master"] };
        }
    }

    /// <summary>How an error names an object: the words an operator would search for.</summary>
    internal static string Describe(StateObject obj) => obj switch
    {
        NamespaceObject n => $"network namespace '{n.Name}'",
        LinkObject { Namespace.Length: 0 } l => $"link {l.Name}",
        LinkObject l => $"link {l.Name} in network namespace '{l.Namespace}'",
        FirewallTableObject t => $"nftables table {t.Family} {t.Name}",
        _ => obj.Key,
    };
}
