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
        // What the kernel removed along with it, whatever the plan says implies it: a veth's
        // deletion takes the address and routes on its far end even when the plan names the
        // namespace as their cause.
        if (operations[index] is { Action: ChangeAction.Delete, Before: { } gone })
            for (var i = 0; i < operations.Count; i++)
                if (!_done[i] && operations[i] is { Action: ChangeAction.Delete, Before: { } other } && GoesWith(gone, other))
                    Mark(i);
    }

    /// <summary>True when deleting <paramref name="gone"/> makes the kernel remove <paramref name="other"/> too.</summary>
    internal static bool GoesWith(StateObject gone, StateObject other) => gone switch
    {
        NamespaceObject ns => other switch
        {
            LinkObject l => l.Namespace == ns.Name || l.Peer?.Namespace == ns.Name,
            AddressObject a => a.Namespace == ns.Name,
            RouteObject r => r.Namespace == ns.Name,
            NeighbourObject n => n.Namespace == ns.Name,
            FdbObject f => f.Namespace == ns.Name,
            _ => false,
        },
        LinkObject link => other switch
        {
            AddressObject a => IsEnd(link, a.Namespace, a.Link),
            RouteObject r => r.Device is { } device && IsEnd(link, r.Namespace, device),
            NeighbourObject n => IsEnd(link, n.Namespace, n.Link),
            FdbObject f => IsEnd(link, f.Namespace, f.Link),
            LinkObject child => child.SubInterface?.Parent == link.Name && link.Namespace.Length == 0,
            _ => false,
        },
        _ => false,
    };

    /// <summary>Either end of the link (a veth pair goes as a whole).</summary>
    private static bool IsEnd(LinkObject link, string ns, string name) =>
        (link.Namespace == ns && link.Name == name) || (link.Peer is { } p && p.Namespace == ns && p.Name == name);

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
