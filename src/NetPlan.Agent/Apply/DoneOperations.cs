using NetPlan.Core.Planning;
using NetPlan.Core.State;

namespace NetPlan.Agent.Apply;

/// <summary>
/// Which operations of a plan have taken effect so far, precisely enough to undo them: executed
/// ones, every link a group delete removed, and the operations implied by those (a namespace's
/// deletion removed its veths and their addresses too, so undoing it must bring them back).
/// </summary>
internal sealed class DoneOperations(IReadOnlyList<Operation> operations)
{
    private readonly bool[] _done = new bool[operations.Count];
    private readonly ILookup<string, int> _impliedBy = operations
        .Select((op, index) => (op, index))
        .Where(x => x.op.ImpliedBy is not null)
        .ToLookup(x => x.op.ImpliedBy!, x => x.index, StringComparer.Ordinal);

    public void Mark(int index)
    {
        if (_done[index]) return;
        _done[index] = true;
        foreach (var implied in _impliedBy[operations[index].Key]) Mark(implied);
    }

    /// <summary>A group delete removed every link of the group in its run, implied or not.</summary>
    public void MarkGroup(int start, GroupDeletion run)
    {
        for (var i = start; i <= run.LastIndex; i++)
            if (operations[i] is { Action: ChangeAction.Delete, Before: LinkObject link } && link.Namespace == run.Namespace && link.Group == run.Group)
                Mark(i);
    }

    /// <summary>The operations that took effect, in plan order.</summary>
    public IEnumerable<Operation> InOrder() => operations.Where((_, index) => _done[index]);
}
