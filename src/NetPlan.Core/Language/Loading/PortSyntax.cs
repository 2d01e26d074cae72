using System.Net;
using NetPlan.Core.Diagnostics;
using NetPlan.Core.Language.Yaml;

namespace NetPlan.Core.Language.Loading;

/// <summary>
/// Published ports in Compose's two forms: the short string
/// <c>[host_ip:]host_port[-end]:port[-end][/tcp|udp|sctp]</c> and the long mapping
/// <c>{ target, published, protocol, host_ip }</c>. A host port is always required: NetPlan is
/// declarative, so there is no "pick any free port".
/// </summary>
internal static class PortSyntax
{
    public static readonly string[] LongFormKeys = ["target", "published", "protocol", "host_ip"];
    public static readonly string[] Protocols = ["tcp", "udp", "sctp"];

    public static PortMapping? Read(YNode node, YamlAccess y)
    {
        switch (node)
        {
            case YScalar { Kind: ScalarKind.String } s:
                return ReadShort(s, y);
            case YMapping map:
                return ReadLong(map, y);
            case YScalar { Kind: ScalarKind.Integer } number:
                y.Error(Codes.InvalidPortSpec,
                    $"port {number.Value} needs a host port too: write \"{number.Value}:{number.Value}\" ([host_ip:]host_port:port)", node);
                return null;
            default:
                y.Error(Codes.WrongType, $"a port must be a string like \"8080:80\" or a mapping with target and published, not a {node.KindName}", node);
                return null;
        }
    }

    static PortMapping? ReadShort(YScalar s, YamlAccess y)
    {
        var text = s.Value;
        var protocol = PortProtocol.Tcp;
        var slash = text.LastIndexOf('/');
        if (slash >= 0)
        {
            var p = text[(slash + 1)..];
            if (!TryProtocol(p, out protocol))
            {
                y.Error(Codes.InvalidProtocol, $"protocol '{p}' in port \"{text}\" is not one of tcp, udp, sctp", s);
                return null;
            }
            text = text[..slash];
        }
        var parts = text.Split(':');
        if (parts.Length is not (2 or 3))
        {
            y.Error(Codes.InvalidPortSpec, $"port \"{s.Value}\" is not [host_ip:]host_port[-end]:port[-end][/protocol]", s);
            return null;
        }
        IPAddress? hostIp = null;
        if (parts.Length == 3)
        {
            if (!Ipv4.TryParseAddress(parts[0], out var ip))
            {
                y.Error(Codes.InvalidAddress, $"host_ip '{parts[0]}' in port \"{s.Value}\" is not an IPv4 address", s);
                return null;
            }
            hostIp = ip;
        }
        var host = ParseRange(parts[^2], s, y, "host port");
        var target = ParseRange(parts[^1], s, y, "target port");
        if (host is null || target is null) return null;
        return Build(hostIp, host.Value, target.Value, protocol, s, y);
    }

    static PortMapping? ReadLong(YMapping map, YamlAccess y)
    {
        y.CheckKeys(map, LongFormKeys, "port");
        bool complete = y.Require(map, "target", "a port in long form", map) & y.Require(map, "published", "a port in long form", map);
        (int, int)? target = null, host = null;
        IPAddress? hostIp = null;
        var protocol = PortProtocol.Tcp;
        bool ok = complete;
        foreach (var (key, value) in map.Entries.Select(e => (e.Key.Value, e.Value)))
        {
            switch (key)
            {
                case "target": target = RangeValue(value, y, "target"); ok &= target is not null; break;
                case "published": host = RangeValue(value, y, "published"); ok &= host is not null; break;
                case "protocol":
                    var word = y.Word(value, "protocol", Protocols, Codes.InvalidProtocol);
                    if (word is null) ok = false; else TryProtocol(word.Value.Value, out protocol);
                    break;
                case "host_ip":
                    var text = y.String(value, "host_ip");
                    if (text is null) { ok = false; break; }
                    if (!Ipv4.TryParseAddress(text.Value.Value, out var ip))
                    {
                        y.Error(Codes.InvalidAddress, $"host_ip '{text.Value.Value}' is not an IPv4 address", value);
                        ok = false;
                        break;
                    }
                    hostIp = ip;
                    break;
            }
        }
        if (!ok || target is null || host is null) return null;
        return Build(hostIp, host.Value, target.Value, protocol, map, y);
    }

    static (int, int)? RangeValue(YNode node, YamlAccess y, string what)
    {
        if (node is YScalar { Kind: ScalarKind.Integer } n)
        {
            var number = y.Integer(n, what);
            if (number is null) return null;
            return InRange(number.Value.Value, n, y, what) ? ((int)number.Value.Value, (int)number.Value.Value) : null;
        }
        if (node is YScalar { Kind: ScalarKind.String } s) return ParseRange(s.Value, s, y, what);
        y.Error(Codes.WrongType, $"{what} must be a port number or a range like \"8080-8081\", not a {node.KindName}", node);
        return null;
    }

    static (int Start, int End)? ParseRange(string text, YNode at, YamlAccess y, string what)
    {
        var dash = text.IndexOf('-');
        var startText = dash < 0 ? text : text[..dash];
        var endText = dash < 0 ? text : text[(dash + 1)..];
        if (!IsNumber(startText) || !IsNumber(endText))
        {
            y.Error(Codes.InvalidPortSpec, $"{what} '{text}' is not a port number or a range like 8080-8081", at);
            return null;
        }
        long start = long.Parse(startText), end = long.Parse(endText);
        if (!InRange(start, at, y, what) || !InRange(end, at, y, what)) return null;
        if (end < start)
        {
            y.Error(Codes.PortRangeReversed, $"{what} range {text} ends before it starts", at);
            return null;
        }
        return ((int)start, (int)end);
    }

    static bool IsNumber(string s) => s.Length is > 0 and <= 10 && s.All(char.IsAsciiDigit);

    static bool InRange(long port, YNode at, YamlAccess y, string what)
    {
        if (port is >= 1 and <= 65535) return true;
        y.Error(Codes.PortOutOfRange, $"{what} {port} is outside 1..65535", at);
        return false;
    }

    static PortMapping? Build(IPAddress? hostIp, (int Start, int End) host, (int Start, int End) target, PortProtocol protocol, YNode at, YamlAccess y)
    {
        if (host.End - host.Start != target.End - target.Start)
        {
            y.Error(Codes.PortRangeLengths,
                $"host ports {host.Start}-{host.End} and target ports {target.Start}-{target.End} are ranges of different lengths", at);
            return null;
        }
        // 0.0.0.0 and "no host_ip" mean the same thing (every address); the model keeps one form: null.
        if (hostIp is not null && hostIp.Equals(IPAddress.Any)) hostIp = null;
        return new PortMapping(hostIp, host.Start, host.End, target.Start, target.End, protocol, y.At(at));
    }

    static bool TryProtocol(string text, out PortProtocol protocol)
    {
        protocol = text switch { "tcp" => PortProtocol.Tcp, "udp" => PortProtocol.Udp, "sctp" => PortProtocol.Sctp, _ => (PortProtocol)(-1) };
        return (int)protocol >= 0;
    }
}
