using System.Net;
using System.Net.Sockets;

namespace NetPlan.Core.Ipam;

/// <summary>IPv4 addresses as numbers, which is how allocation walks a range.</summary>
internal static class Ipv4
{
    public static bool IsV4(IPAddress address) => address.AddressFamily == AddressFamily.InterNetwork;

    public static uint ToUInt(IPAddress address)
    {
        var b = address.GetAddressBytes();
        return ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
    }

    public static IPAddress FromUInt(uint value) =>
        new([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);

    /// <summary>First and last address of a prefix.</summary>
    public static (uint First, uint Last) Bounds(IPNetwork network)
    {
        var first = ToUInt(network.BaseAddress);
        var hostBits = 32 - network.PrefixLength;
        var last = hostBits == 32 ? uint.MaxValue : first | ((1u << hostBits) - 1);
        return (first, last);
    }

    /// <summary>Parses <c>10.0.0.5</c> or <c>10.0.0.5/24</c> into the address part, or null.</summary>
    public static IPAddress? ParseAddressPart(string text)
    {
        var slash = text.IndexOf('/');
        var ip = slash < 0 ? text : text[..slash];
        return IPAddress.TryParse(ip, out var address) ? address : null;
    }
}
