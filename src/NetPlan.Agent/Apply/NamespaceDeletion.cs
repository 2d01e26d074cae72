using NetPlan.Core.Planning;
using NetPlan.Core.State;
using NetPlan.Kernel.Namespaces;

namespace NetPlan.Agent.Apply;

/// <summary>
/// A run of consecutive namespace deletions (a destroy ends with one per sandbox), executed
/// concurrently: one at a time, each waits for its own RCU grace period, which made deleting 1000
/// sandboxes the largest part of a destroy. All of the run is attempted even when some fail; the
/// applier reports the first failure in plan order, and those that went are done (and undone on rollback).
/// </summary>
internal sealed record NamespaceDeletion(int LastIndex, IReadOnlyList<string> Names)
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
        run = new NamespaceDeletion(last, names);
        return names.Count >= 2;
    }

    /// <summary>Deletes them all; per name (in plan order), why it could not be deleted, or null.</summary>
    public IReadOnlyList<Exception?> Execute(NamespaceConnections connections) => connections.DeleteAll(Names);
}
