using NetPlan.Core.State;

namespace NetPlan.Core.Planning;

/// <summary>
/// The order a host's operations run in. Creations and updates follow dependencies: namespaces, then
/// host-wide sysctls, masters (bridges), VXLAN devices (ports of bridges), veths (ports, peers in
/// namespaces), sub-interfaces, per-device sysctls, addresses, routes (need an address to reach
/// their gateway), neighbours, FDB entries, the firewall table, files. Deletions run first and in the reverse order, so a port goes before its master
/// and a namespace goes last. Within a rank, replacements run before creations (a replaced veth frees
/// its peer's name for a new one) and keys break ties, so the order is deterministic.
/// </summary>
public static class OperationOrder
{
    public static int Rank(StateObject obj) => obj switch
    {
        NamespaceObject => 0,
        SysctlObject s when InterfaceOf(s) is null => 1,
        LinkObject { Kind: LinkKind.Bridge } => 2,
        LinkObject { Kind: LinkKind.Vxlan } => 3,
        LinkObject { Kind: LinkKind.Veth } => 4,
        LinkObject => 5,
        SysctlObject => 6, // net.ipv4.conf.<dev>.*: the device must exist first
        AddressObject => 7,
        RouteObject => 8,
        NeighbourObject => 9,
        FdbObject => 10,
        FirewallTableObject => 11, // names bridges and addresses; rules may name devices that do not exist yet, but the table is written last anyway
        FileObject => 12,
        _ => throw new ArgumentOutOfRangeException(nameof(obj), obj.GetType().Name, null),
    };

    /// <summary>The device of a per-interface sysctl (<c>net.ipv4.conf.DEV.x</c>), or null for a global one (and for <c>all</c>/<c>default</c>).</summary>
    public static string? InterfaceOf(SysctlObject sysctl)
    {
        var parts = sysctl.Name.Split('.');
        return parts.Length == 5 && parts[0] == "net" && parts[2] == "conf" && parts[3] is not ("all" or "default") ? parts[3] : null;
    }

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
