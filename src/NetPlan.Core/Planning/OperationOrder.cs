using NetPlan.Core.State;

namespace NetPlan.Core.Planning;

/// <summary>
/// The order a host's operations run in. Creations and updates follow dependencies: namespaces, then
/// sysctls, masters (bridges), VXLAN devices (ports of bridges), veths (ports, peers in namespaces),
/// sub-interfaces, addresses, routes (need an address to reach their gateway), neighbours, FDB
/// entries, files. Deletions run first and in the reverse order, so a port goes before its master
/// and a namespace goes last. Within a rank, replacements run before creations (a replaced veth frees
/// its peer's name for a new one) and keys break ties, so the order is deterministic.
/// </summary>
public static class OperationOrder
{
    public static int Rank(StateObject obj) => obj switch
    {
        NamespaceObject => 0,
        SysctlObject => 1,
        LinkObject { Kind: LinkKind.Bridge } => 2,
        LinkObject { Kind: LinkKind.Vxlan } => 3,
        LinkObject { Kind: LinkKind.Veth } => 4,
        LinkObject => 5,
        AddressObject => 6,
        RouteObject => 7,
        NeighbourObject => 8,
        FdbObject => 9,
        FileObject => 10,
        _ => throw new ArgumentOutOfRangeException(nameof(obj), obj.GetType().Name, null),
    };

    public static IReadOnlyList<Operation> Sort(IEnumerable<Operation> operations)
    {
        var all = operations.ToList();
        var deletes = all.Where(o => o.Action == ChangeAction.Delete)
            .OrderByDescending(o => Rank(o.Before!))
            .ThenBy(o => o.Key, StringComparer.Ordinal);
        var rest = all.Where(o => o.Action != ChangeAction.Delete)
            .OrderBy(o => Rank(o.After!))
            .ThenBy(o => o.Action == ChangeAction.Replace ? 0 : 1)
            .ThenBy(o => o.Key, StringComparer.Ordinal);
        return deletes.Concat(rest).ToList();
    }
}
