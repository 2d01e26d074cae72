using NetPlan.Core.Compile.Firewall;
using NetPlan.Core.Names;
using NetPlan.Core.Naming;
using NetPlan.Core.State;
using NetPlan.Core.Language;

namespace NetPlan.Core.Compile;

/// <summary>
/// What to observe on a node before planning, computed from the topology alone (observation comes
/// before compilation): the node's sandbox namespaces, every host link name NetPlan would create
/// there, and the parents of its macvlan/ipvlan networks. Owned objects are reported wherever they
/// are regardless of scope, so removed sandboxes and networks still show up to be deleted.
/// </summary>
public static class ObserveScopes
{
    public static ObserveScope For(Topology topology, string node) => For(topology, node, NameTable.For(topology));

    internal static ObserveScope For(Topology topology, string node, NameTable names)
    {
        var placement = new NetworkPlacement(topology);
        var sandboxes = topology.Sandboxes.Where(s => s.Node == node).ToList();
        var links = new List<string>();
        var sysctls = new List<SysctlRef>();
        foreach (var network in topology.Networks)
        {
            if (!placement.IsOn(network, node)) continue;
            switch (network.Driver)
            {
                case Driver.Bridge:
                    links.Add(names.Bridge(network.Name));
                    sysctls.Add(new SysctlRef("", FirewallCompiler.RouteLocalnet(names.Bridge(network.Name))));
                    break;
                case Driver.Overlay:
                    links.Add(names.Bridge(network.Name));
                    links.Add(names.Vxlan(network.Name));
                    sysctls.Add(new SysctlRef("", FirewallCompiler.RouteLocalnet(names.Bridge(network.Name))));
                    break;
                case Driver.Macvlan or Driver.Ipvlan when network.Parent is not null:
                    links.Add(network.Parent);
                    break;
            }
        }
        var drivers = topology.Networks.ToDictionary(n => n.Name, n => n.Driver);
        foreach (var sandbox in sandboxes)
            foreach (var endpoint in sandbox.Endpoints)
                if (drivers[endpoint.Network] is Driver.Bridge or Driver.Overlay)
                    links.Add(names.Veth(sandbox.Name, endpoint.Network));

        // The firewall table and the forwarding switch whenever the node has a network with a bridge;
        // the table is read even when none is wanted, so a removed network's table is still deleted.
        if (sysctls.Count > 0) sysctls.Insert(0, new SysctlRef("", "net.ipv4.ip_forward"));
        return new ObserveScope(
            topology.Name,
            sandboxes.Select(s => s.Name).ToList(),
            links.Distinct(StringComparer.Ordinal).ToList(),
            Files: sandboxes.SelectMany(s => SandboxFiles.PathsOf(s.Name)).ToList(),
            Sysctls: sysctls)
        {
            FirewallTables = ["inet/" + Ownership.FirewallTableName(topology.Name), "bridge/" + Ownership.FirewallTableName(topology.Name)],
        };
    }
}
