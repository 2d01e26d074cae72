using NetPlan.Agent.Observe;
using NetPlan.Core.Planning;
using NetPlan.Core.State;
using NetPlan.Kernel;

namespace NetPlan.Agent.Apply;

/// <summary>
/// Runs the undo steps of a failed apply on this host. Every step runs even when one fails (each
/// failure is reported, named). Nothing foreign is ever changed or removed: the host is observed
/// once before the first step, and a step that would change or remove an object whose live
/// ownership mark is not the plan's owner is refused — the failure may be exactly a foreign object
/// that appeared in the way.
/// </summary>
internal sealed class Rollback(Applier applier, Observer observer)
{
    public RollbackReport Run(IReadOnlyList<Operation> steps, IReadOnlyList<Operation> plan)
    {
        var owner = plan.Select(o => (o.After ?? o.Before)!.Owner).FirstOrDefault(o => o is not null);
        var failures = new List<UndoFailure>();
        if (owner is null)
            return new RollbackReport(0, steps.Select(s => new UndoFailure(s.Action, s.Key, "the plan names no owner, so nothing can be proven ours to undo")).ToList());

        var live = observer.Observe(ScopeOf(plan, owner)).Objects.ToDictionary(o => o.Key, StringComparer.Ordinal);
        var undone = 0;
        foreach (var step in steps)
        {
            var touchesExisting = step.Action != ChangeAction.Create && step.Before is not SysctlObject; // sysctls carry no mark
            live.TryGetValue(step.Key, out var current);
            if (touchesExisting && current is not null && current.Owner != owner)
            {
                failures.Add(new UndoFailure(step.Action, step.Key,
                    $"left in place: {step.Key} is {(current.Owner is null ? "foreign" : $"owned by '{current.Owner}'")} now"));
                continue;
            }
            // Already gone (removed with what held it): deleting is done; a replace only needs its create half.
            // Already there, ours and as it was: creating it again is done.
            var effective = (step.Action, current) switch
            {
                (ChangeAction.Create, { } there) when there.Owner == owner && there == step.After => null,
                (ChangeAction.Delete, null) when touchesExisting => null,
                (ChangeAction.Replace, null) when touchesExisting => new Operation(ChangeAction.Create, null, step.After),
                _ => step,
            };
            try
            {
                if (effective is not null) applier.Execute(effective);
                undone++;
            }
            catch (Exception e) when (e is KernelException or ArgumentException or IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                failures.Add(new UndoFailure(step.Action, step.Key, Applier.Describe(step, e)));
            }
        }
        return new RollbackReport(undone, failures);
    }

    /// <summary>Everything the plan names, so the observation shows who owns each object now.</summary>
    private static ObserveScope ScopeOf(IReadOnlyList<Operation> plan, string owner)
    {
        var objects = plan.SelectMany(o => new[] { o.Before, o.After }).OfType<StateObject>().ToList();
        var links = objects.OfType<LinkObject>().ToList();
        var namespaces = objects.OfType<NamespaceObject>().Select(n => n.Name)
            .Concat(links.Select(l => l.Namespace))
            .Concat(links.Select(l => l.Peer?.Namespace).OfType<string>())
            .Concat(objects.OfType<AddressObject>().Select(a => a.Namespace))
            .Concat(objects.OfType<RouteObject>().Select(r => r.Namespace))
            .Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var hostLinks = links.Where(l => l.Namespace.Length == 0).Select(l => l.Name)
            .Concat(links.Select(l => l.Peer).Where(p => p is { Namespace.Length: 0 }).Select(p => p!.Name))
            .Distinct(StringComparer.Ordinal).ToList();
        return new ObserveScope(owner, namespaces, hostLinks,
            objects.OfType<FileObject>().Select(f => f.Path).Distinct(StringComparer.Ordinal).ToList(),
            objects.OfType<SysctlObject>().Select(s => new SysctlRef(s.Namespace, s.Name)).Distinct().ToList())
        {
            FirewallTables = objects.OfType<FirewallTableObject>().Select(t => $"{t.Family}/{t.Name}").Distinct(StringComparer.Ordinal).ToList(),
        };
    }
}
