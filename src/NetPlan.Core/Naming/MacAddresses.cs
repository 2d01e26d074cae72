using System.Net;
using System.Net.Sockets;

namespace NetPlan.Core.Naming;

/// <summary>
/// Deterministic MAC addresses, so a plan is complete before anything is applied and a remote
/// node's FDB and neighbour entries can be computed without asking the kernel.
/// </summary>
public static class MacAddresses
{
    /// <summary>
    /// Docker's scheme: <c>02:42:</c> (locally administered, unicast) followed by the four bytes of
    /// the IPv4 address. Unique within a subnet because the addresses are.
    /// </summary>
    public static string FromIpv4(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetwork)
            throw new ArgumentException($"{address} is not an IPv4 address", nameof(address));
        var b = address.GetAddressBytes();
        return $"02:42:{b[0]:x2}:{b[1]:x2}:{b[2]:x2}:{b[3]:x2}";
    }

    /// <summary>The lower-case colon form the state model uses (<c>02:42:0A:…</c> → <c>02:42:0a:…</c>).</summary>
    public static string Normalize(string mac) => mac.Trim().Replace('-', ':').ToLowerInvariant();

    /// <summary>The FDB flood entry's MAC: frames for unknown destinations go to every VTEP listed with it.</summary>
    public const string Flood = "00:00:00:00:00:00";
}
