using System.Net;
using NetPlan.Core.Language;

namespace NetPlan.Core.Compile.Firewall;

/// <summary>
/// The pieces of a rule in nft's own syntax, exactly as the agent prints a rule it reads back from
/// the kernel, so a desired rule and an observed one compare as strings. Every piece is one match
/// or one action; a rule is its pieces joined by single spaces.
/// </summary>
public static class NftText
{
    public static string Iif(string name, bool not = false) => $"iifname {(not ? "!= " : "")}\"{name}\"";
    public static string Oif(string name, bool not = false) => $"oifname {(not ? "!= " : "")}\"{name}\"";
    public static string Saddr(string prefix, bool not = false) => $"ip saddr {(not ? "!= " : "")}{prefix}";
    public static string Daddr(string prefix, bool not = false) => $"ip daddr {(not ? "!= " : "")}{prefix}";
    public const string DaddrIsLocal = "fib daddr type local";
    public const string EstablishedOrRelated = "ct state established,related";
    public const string Dnatted = "ct status dnat";
    public const string Accept = "accept", Drop = "drop", Masquerade = "masquerade";

    /// <summary><c>tcp dport 80</c> or <c>udp dport 8000-8009</c>.</summary>
    public static string Dport(PortProtocol protocol, int first, int last) =>
        $"{Lower(protocol)} dport {(first == last ? $"{first}" : $"{first}-{last}")}";

    /// <summary><c>dnat ip to 10.0.0.2</c>, <c>… to 10.0.0.2:80</c>, <c>… to 10.0.0.2:80-89</c>.</summary>
    public static string Dnat(IPAddress to, int? port = null, int? portMax = null) =>
        $"dnat ip to {to}{(port is { } p ? $":{p}" : "")}{(portMax is { } m && m != port ? $"-{m}" : "")}";

    /// <summary>A prefix as nft prints it: a /32 is a plain address.</summary>
    public static string Prefix(IPNetwork network) =>
        network.PrefixLength == 32 ? network.BaseAddress.ToString() : $"{network.BaseAddress}/{network.PrefixLength}";

    public static string Lower(PortProtocol protocol) => protocol.ToString().ToLowerInvariant();

    public static string Rule(params string[] pieces) => string.Join(' ', pieces);
}
