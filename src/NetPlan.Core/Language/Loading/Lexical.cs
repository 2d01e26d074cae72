using System.Net;
using System.Text.RegularExpressions;

namespace NetPlan.Core.Language.Loading;

/// <summary>The lexical rules for names, host names, interface names, MACs, users and paths.</summary>
public static partial class Lexical
{
    /// <summary>Topology, node, network, sandbox and service names: safe as file names and kernel-name seeds.</summary>
    public static bool IsName(string s) => NameRegex().IsMatch(s);

    /// <summary>A single DNS label (hostname): letters, digits, hyphens, 1-63, no leading or trailing hyphen.</summary>
    public static bool IsDnsLabel(string s) => DnsLabelRegex().IsMatch(s);

    /// <summary>A DNS name: dot-separated labels, at most 253 characters.</summary>
    public static bool IsDnsName(string s) =>
        s.Length is > 0 and <= 253 && s.Split('.').All(IsDnsLabel);

    /// <summary>Something OpenSSH can only read as a host: a DNS name or an IP address, never an option or a shell word.</summary>
    public static bool IsHost(string s) =>
        Ipv4.TryParseAddress(s, out _) || (s.Contains(':') && IPAddress.TryParse(s, out var a) && a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !s.Contains('%'))
        || IsDnsName(s);

    /// <summary>A portable user name (no leading '-', no shell characters).</summary>
    public static bool IsUser(string s) => UserRegex().IsMatch(s);

    /// <summary>A Linux interface name: 1-15 of letters, digits and _ . @ + - (not leading . or -).</summary>
    /// <remarks>"lo" is excluded: every namespace already has a loopback by that name.</remarks>
    public static bool IsInterfaceName(string s) =>
        InterfaceRegex().IsMatch(s) && s != "lo";

    /// <summary>Six colon-separated hex octets, unicast (I/G bit clear), not all zero.</summary>
    public static bool IsUnicastMac(string s)
    {
        if (!MacRegex().IsMatch(s)) return false;
        var first = Convert.ToByte(s[..2], 16);
        return (first & 1) == 0 && s.Replace(":", "").Any(c => c != '0');
    }

    /// <summary>Why a path is unusable, or null when it is fine.</summary>
    public static string? PathProblem(string s)
    {
        if (s.Length == 0) return "is empty";
        if (s.Any(char.IsControl)) return "contains control characters";
        if (s.StartsWith('~') && s.Length > 1 && s[1] != '/') return "uses ~user, which is not supported; write the full path";
        return null;
    }

    [GeneratedRegex("^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$")]
    private static partial Regex NameRegex();

    [GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")]
    private static partial Regex DnsLabelRegex();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.-]{0,31}$")]
    private static partial Regex UserRegex();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.@+-]{0,14}$")]
    private static partial Regex InterfaceRegex();

    [GeneratedRegex("^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$")]
    private static partial Regex MacRegex();
}
