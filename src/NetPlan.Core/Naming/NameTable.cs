using NetPlan.Core.Language;

namespace NetPlan.Core.Naming;

/// <summary>
/// Every kernel name a topology needs, assigned once for the whole topology so that no two objects
/// share a name on any node. Names are handed out in declared order (networks, then sandboxes and
/// their endpoints); when a derived name is already taken, the later object retries with a salted
/// hash. Appending a network or sandbox therefore never renames an existing object.
/// </summary>
public sealed class NameTable
{
    private readonly Dictionary<string, string> _bridges = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _vxlans = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Sandbox, string Network), string> _veths = new();

    private NameTable() { }

    /// <summary>Number of names that needed a salted retry (collisions of the first choice).</summary>
    public int Collisions { get; private set; }

    public static NameTable For(Topology topology) => Build(topology, KernelNames.Derive);

    /// <summary>Builds the table with a given derivation, so tests can force collisions.</summary>
    internal static NameTable Build(Topology topology, Func<string, string, string, string, int, string> derive)
    {
        var table = new NameTable();
        var taken = new HashSet<string>(StringComparer.Ordinal);

        string Assign(string prefix, string readable, string identity)
        {
            for (var salt = 0; ; salt++)
            {
                var name = derive(topology.Name, prefix, readable, identity, salt);
                if (taken.Add(name)) return name;
                table.Collisions++;
            }
        }

        foreach (var network in topology.Networks)
        {
            if (network.Driver is not (Driver.Bridge or Driver.Overlay)) continue;
            table._bridges[network.Name] = Assign(KernelNames.BridgePrefix, network.Name, network.Name);
            if (network.Driver == Driver.Overlay)
                table._vxlans[network.Name] = Assign(KernelNames.VxlanPrefix, network.Name, network.Name);
        }

        var drivers = topology.Networks.ToDictionary(n => n.Name, n => n.Driver);
        foreach (var sandbox in topology.Sandboxes)
            foreach (var endpoint in sandbox.Endpoints)
                if (drivers[endpoint.Network] is Driver.Bridge or Driver.Overlay)
                    table._veths[(sandbox.Name, endpoint.Network)] =
                        Assign(KernelNames.VethPrefix, sandbox.Name, sandbox.Name + "/" + endpoint.Network);

        return table;
    }

    /// <summary>The bridge of a bridge or overlay network.</summary>
    public string Bridge(string network) => _bridges[network];

    /// <summary>The VXLAN device of an overlay network.</summary>
    public string Vxlan(string network) => _vxlans[network];

    /// <summary>The host end of the veth joining <paramref name="sandbox"/> to <paramref name="network"/>.</summary>
    public string Veth(string sandbox, string network) => _veths[(sandbox, network)];

    /// <summary>Every name in the table.</summary>
    public IEnumerable<string> All => _bridges.Values.Concat(_vxlans.Values).Concat(_veths.Values);
}
