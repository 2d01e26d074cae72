using System.Net;
using System.Net.Sockets;

namespace NetPlan.Core.Language.Loading;

/// <summary>
/// Strict IPv4 text forms and subnet arithmetic. Strict on purpose: IPAddress.TryParse accepts
/// "10.1" and "010.0.0.1", which a topology should never silently reinterpret.
/// </summary>
public static class Ipv4
{
    public static bool TryParseAddress(string text, out IPAddress address)
    {
        address = IPAddress.None;
        var parts = text.Split('.');
        if (parts.Length != 4) return false;
        var bytes = new byte[4];
        for (int i = 0; i < 4; i++)
        {
            var p = parts[i];
            if (p.Length is 0 or > 3 || !p.All(char.IsAsciiDigit) || (p.Length > 1 && p[0] == '0')) return false;
            var value = int.Parse(p);
            if (value > 255) return false;
            bytes[i] = (byte)value;
        }
        address = new IPAddress(bytes);
        return true;
    }

    public enum CidrError { None, Malformed, HostBits }

    /// <summary>Parses <c>a.b.c.d/n</c>; <see cref="CidrError.HostBits"/> when the address is not the network's base.</summary>
    public static CidrError TryParseCidr(string text, out IPNetwork network, out IPAddress written)
    {
        network = default;
        written = IPAddress.None;
        var slash = text.IndexOf('/');
        if (slash < 0) return CidrError.Malformed;
        var prefixText = text[(slash + 1)..];
        if (!TryParseAddress(text[..slash], out written)) return CidrError.Malformed;
        if (prefixText.Length is 0 or > 2 || !prefixText.All(char.IsAsciiDigit) || (prefixText.Length > 1 && prefixText[0] == '0'))
            return CidrError.Malformed;
        var prefix = int.Parse(prefixText);
        if (prefix > 32) return CidrError.Malformed;
        var baseValue = ToUInt32(written) & Mask(prefix);
        network = new IPNetwork(FromUInt32(baseValue), prefix);
        return baseValue == ToUInt32(written) ? CidrError.None : CidrError.HostBits;
    }

    public static uint Mask(int prefix) => prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);

    public static uint ToUInt32(IPAddress address)
    {
        var b = address.GetAddressBytes();
        return (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
    }

    public static IPAddress FromUInt32(uint value) =>
        new([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);

    public static uint First(IPNetwork n) => ToUInt32(n.BaseAddress);

    public static uint Last(IPNetwork n) => First(n) | ~Mask(n.PrefixLength);

    public static bool Contains(IPNetwork n, IPAddress a) =>
        a.AddressFamily == AddressFamily.InterNetwork && (ToUInt32(a) & Mask(n.PrefixLength)) == First(n);

    public static bool Contains(IPNetwork outer, IPNetwork inner) =>
        inner.PrefixLength >= outer.PrefixLength && Contains(outer, inner.BaseAddress);

    public static bool Overlaps(IPNetwork a, IPNetwork b) => Contains(a, b) || Contains(b, a);

    /// <summary>The subnet's network or broadcast address, which no endpoint may hold.</summary>
    public static bool IsNetworkOrBroadcast(IPNetwork n, IPAddress a) =>
        ToUInt32(a) == First(n) || ToUInt32(a) == Last(n);

    /// <summary>The default gateway: the first host address.</summary>
    public static IPAddress FirstHost(IPNetwork n) => FromUInt32(First(n) + 1);

    public static string Format(IPNetwork n) => $"{n.BaseAddress}/{n.PrefixLength}";
}
