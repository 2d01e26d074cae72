using System.Security.Cryptography;
using System.Text;
using NetPlan.Core.Language;

namespace NetPlan.Core.Naming;

/// <summary>
/// VXLAN network identifiers for a topology's overlay networks: the one written in the file, else one
/// derived from (topology, network) in [4096, 2^24 − 1] (Docker's range: below 4096 would overlap
/// 802.1Q VLAN ids on some platforms). Derived VNIs never collide within a topology: explicit VNIs
/// are reserved first, then each derived VNI steps forward past taken values, in declared order.
/// </summary>
public static class Vnis
{
    public const uint Min = 4096;
    public const uint Max = 16_777_215;

    public static IReadOnlyDictionary<string, uint> Assign(Topology topology)
    {
        var overlays = topology.Networks.Where(n => n.Driver == Driver.Overlay).ToList();
        var taken = new HashSet<uint>(overlays.Where(n => n.Vni is not null).Select(n => (uint)n.Vni!.Value));
        var result = new Dictionary<string, uint>(StringComparer.Ordinal);
        foreach (var network in overlays)
        {
            if (network.Vni is { } explicitVni)
            {
                result[network.Name] = (uint)explicitVni;
                continue;
            }
            var vni = Derive(topology.Name, network.Name);
            while (!taken.Add(vni)) vni = vni == Max ? Min : vni + 1;
            result[network.Name] = vni;
        }
        return result;
    }

    /// <summary>The first-choice VNI of a network, before collision resolution.</summary>
    public static uint Derive(string topology, string network)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"netplan-vni:{topology}/{network}"));
        var value = BitConverter.ToUInt32(digest, 0);
        return Min + value % (Max - Min + 1);
    }
}
