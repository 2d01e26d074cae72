using NetPlan.Core.Planning;
using NetPlan.Core.State;
using NetPlan.Kernel.Namespaces;

namespace NetPlan.Agent.Apply;

/// <summary>
/// A run of consecutive namespace deletions (a destroy ends with one per sandbox), executed
/// concurrently: one at a time, each waits for its own RCU grace period, which made deleting 1000
/// sandboxes the largest part of a destroy. When some fail, the first failing one (in plan order)
/// is reported; the others of the run were attempted all the same.
/// </summary>
internal sealed record NamespaceDeletion(int Start, int LastIndex, IReadOnlyList<string> Names)
{
    public static bool TryFind(IReadOnlyList<Operation> operations, int start, out NamespaceDeletion run)
    {
        var names = new List<string>();
        var last = start;
        for (var i = start; i < operations.Count; i++)
        {
            if (operations[i] is not { Action: ChangeAction.Delete, ImpliedBy: null, Before: NamespaceObject ns }) break;
            names.Add(ns.Name);
            last = i;
        }
        run = new NamespaceDeletion(start, last, names);
        return names.Count >= 2;
    }

    /// <summary>Deletes them all; throws for the first that could not be deleted.</summary>
    public void Execute(IReadOnlyList<Operation> operations, NamespaceConnections connections)
    {
        var failures = connections.DeleteAll(Names);
        for (var i = 0; i < failures.Count; i++)
            if (failures[i] is { } failure)
                throw new ApplyException(operations[Start + i], Start + i, failure.Message, failure);
    }
}
