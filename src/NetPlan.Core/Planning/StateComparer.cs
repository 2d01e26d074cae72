using NetPlan.Core.State;

namespace NetPlan.Core.Planning;

/// <summary>One attribute that differs between the observed and the desired object.</summary>
/// <param name="Path">Dotted path in the JSON form of the object, e.g. <c>mtu</c>, <c>peer.mac</c>, <c>vxlan.vni</c>.</param>
/// <param name="ForcesReplacement">True when the kernel cannot change it in place, so the object is deleted and created again.</param>
public readonly record struct AttributeChange(string Path, bool ForcesReplacement);

/// <summary>
/// Compares an observed object with the desired object of the same key. A desired value of null for
/// an attribute the kernel always reports (an MTU, a MAC, a VXLAN TTL) means "whatever the kernel
/// picks" and is never a difference.
/// </summary>
public static class StateComparer
{
    public static IReadOnlyList<AttributeChange> Compare(StateObject observed, StateObject desired)
    {
        var changes = new List<AttributeChange>();
        switch (observed, desired)
        {
            case (NamespaceObject o, NamespaceObject d):
                Update(changes, "loopback_up", o.LoopbackUp != d.LoopbackUp);
                break;
            case (LinkObject o, LinkObject d):
                CompareLink(changes, o, d);
                break;
            case (RouteObject o, RouteObject d):
                Update(changes, "gateway", o.Gateway != d.Gateway);
                Update(changes, "device", d.Device is not null && o.Device != d.Device);
                Update(changes, "metric", d.Metric is not null && o.Metric != d.Metric);
                break;
            case (NeighbourObject o, NeighbourObject d):
                Update(changes, "mac", !SameMac(o.Mac, d.Mac));
                break;
            case (SysctlObject o, SysctlObject d):
                Update(changes, "value", o.Value != d.Value);
                break;
            case (FileObject o, FileObject d):
                Update(changes, "content", o.Content != d.Content);
                break;
            case (FirewallTableObject o, FirewallTableObject d):
                // Replaced whole in one kernel transaction either way; "update" says nothing is torn down first.
                Update(changes, "chains", !o.Chains.SequenceEqual(d.Chains));
                Update(changes, "rules", !o.Rules.SequenceEqual(d.Rules));
                break;
            case (AddressObject, AddressObject) or (FdbObject, FdbObject):
                break; // every attribute is part of the key
            default:
                throw new ArgumentException($"cannot compare {observed.GetType().Name} with {desired.GetType().Name} (same key {desired.Key})");
        }
        return changes;
    }

    private static void CompareLink(List<AttributeChange> changes, LinkObject o, LinkObject d)
    {
        Replace(changes, "kind", o.Kind != d.Kind);
        Update(changes, "master", o.Master != d.Master);
        Update(changes, "mtu", d.Mtu is not null && o.Mtu != d.Mtu);
        Update(changes, "mac", d.Mac is not null && !SameMac(o.Mac, d.Mac));
        Update(changes, "up", o.Up != d.Up);
        Update(changes, "alias", o.Alias != d.Alias);
        Update(changes, "group", o.Group != d.Group);

        if ((o.Peer is null) != (d.Peer is null)) Replace(changes, "peer", true);
        else if (o.Peer is { } op && d.Peer is { } dp)
        {
            Replace(changes, "peer.namespace", op.Namespace != dp.Namespace);
            Replace(changes, "peer.name", op.Name != dp.Name);
            Update(changes, "peer.mtu", dp.Mtu is not null && op.Mtu != dp.Mtu);
            Update(changes, "peer.mac", dp.Mac is not null && !SameMac(op.Mac, dp.Mac));
            Update(changes, "peer.up", op.Up != dp.Up);
            Update(changes, "peer.alias", op.Alias != dp.Alias);
        }

        // The kernel fixes VXLAN parameters at creation (changelink refuses most of them).
        if ((o.Vxlan is null) != (d.Vxlan is null)) Replace(changes, "vxlan", true);
        else if (o.Vxlan is { } ov && d.Vxlan is { } dv)
        {
            Replace(changes, "vxlan.vni", ov.Vni != dv.Vni);
            Replace(changes, "vxlan.local", ov.Local != dv.Local);
            Replace(changes, "vxlan.port", ov.Port != dv.Port);
            Replace(changes, "vxlan.learning", ov.Learning != dv.Learning);
            Replace(changes, "vxlan.proxy", ov.Proxy != dv.Proxy);
            Replace(changes, "vxlan.underlay_link", dv.UnderlayLink is not null && ov.UnderlayLink != dv.UnderlayLink);
            Replace(changes, "vxlan.ttl", dv.Ttl is not null && ov.Ttl != dv.Ttl);
        }

        if ((o.SubInterface is null) != (d.SubInterface is null)) Replace(changes, "sub_interface", true);
        else if (o.SubInterface is { } os && d.SubInterface is { } ds)
        {
            Replace(changes, "sub_interface.parent", os.Parent != ds.Parent);
            Replace(changes, "sub_interface.mode", os.Mode != ds.Mode);
        }
    }

    private static bool SameMac(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static void Update(List<AttributeChange> changes, string path, bool differs)
    {
        if (differs) changes.Add(new AttributeChange(path, false));
    }

    private static void Replace(List<AttributeChange> changes, string path, bool differs)
    {
        if (differs) changes.Add(new AttributeChange(path, true));
    }
}
