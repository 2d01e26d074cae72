using System.Net;
using System.Numerics;
using NetPlan.Core.State;
using NetPlan.Kernel.Nftables;
using NetPlan.Kernel.Nftables.Expressions;

namespace NetPlan.Agent.Firewall;

/// <summary>
/// Translates the Core's firewall table (rules as nft text) to the kernel library's typed table and
/// back. Writing parses the text into <see cref="RuleBuilder"/> steps; reading decompiles each
/// rule's bytecode into the same text and then proves it by compiling the text again: only a
/// rule whose text compiles to exactly the bytecode the kernel holds is reported as that text.
/// Anything else reads as <c>unrecognized: ...</c>, which no desired rule equals, so a hand-edited
/// rule is always drift and never silently taken for ours.
/// </summary>
public static class FirewallForms
{
    public const string Unrecognized = "unrecognized: ";

    public static TableContents ToKernel(FirewallTableObject table)
    {
        var kernelTable = new Table(table.Name, Family(table.Family), Comment: table.Owner is { } owner ? Ownership.FirewallMark(owner) : null);
        var chains = table.Chains.Select(ToKernel).ToList();
        var rules = table.Rules.Select(ToKernel).ToList();
        return new TableContents(kernelTable, chains, rules, []);
    }

    public static FirewallTableObject FromKernel(TableContents contents)
    {
        var rules = contents.Rules.Select(FromKernel).ToList();
        // NetPlan writes no sets: one found in its table is someone's edit, shown as drift.
        rules.AddRange(contents.Sets.Select(s => new FirewallRule("", Unrecognized + s)));
        return new FirewallTableObject(contents.Table.Family.ToString().ToLowerInvariant(), contents.Table.Name)
        {
            Owner = Ownership.OwnerFromFirewallComment(contents.Table.Comment),
            Chains = contents.Chains.Select(FromKernel).ToList(),
            Rules = rules,
        };
    }

    public static TableFamily Family(string family) => family switch
    {
        "inet" => TableFamily.Inet,
        "ip" => TableFamily.Ip,
        "ip6" => TableFamily.Ip6,
        "bridge" => TableFamily.Bridge,
        _ => throw new ArgumentException($"'{family}' is not an nftables table family NetPlan writes"),
    };

    // ---- chains -----------------------------------------------------------------------------

    private static Chain ToKernel(FirewallChain chain) => Chain.Hooked(chain.Name,
        Enum.Parse<ChainType>(chain.Type, ignoreCase: true),
        Enum.Parse<Hook>(chain.Hook, ignoreCase: true),
        chain.Priority,
        chain.Policy switch
        {
            "accept" => null,
            "drop" => Verdict.Drop,
            _ => throw new ArgumentException($"chain {chain.Name}: policy '{chain.Policy}' is neither accept nor drop"),
        });

    private static FirewallChain FromKernel(Chain chain) => chain.Base is { } b
        ? new FirewallChain(chain.Name, b.Type.ToString().ToLowerInvariant(), b.Hook.ToString().ToLowerInvariant(), b.Priority)
        {
            Policy = b.EffectivePolicy.ToString(),
        }
        : new FirewallChain(chain.Name, "regular", "", 0);

    // ---- rules: text → bytecode ---------------------------------------------------------------

    public static Rule ToKernel(FirewallRule rule)
    {
        var builder = new RuleBuilder(rule.Chain);
        var tokens = rule.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var i = 0;
        string Next() => i < tokens.Length ? tokens[i++] : throw Bad(rule, "ends too early");
        bool Negated()
        {
            if (i < tokens.Length && tokens[i] == "!=") { i++; return true; }
            return false;
        }
        while (i < tokens.Length)
        {
            var token = Next();
            switch (token)
            {
                case "iifname":
                    { var not = Negated(); builder.InputInterface(Unquote(Next(), rule), not); break; }
                case "oifname":
                    { var not = Negated(); builder.OutputInterface(Unquote(Next(), rule), not); break; }
                case "ip":
                    var which = Next();
                    var negate = Negated();
                    var (address, prefix) = ParsePrefix(Next(), rule);
                    if (which == "saddr") builder.SourcePrefix(address, prefix, negate);
                    else if (which == "daddr") builder.DestinationPrefix(address, prefix, negate);
                    else throw Bad(rule, $"'ip {which}' is not a match NetPlan writes");
                    break;
                case "fib":
                    Expect(rule, Next(), "daddr"); Expect(rule, Next(), "type"); Expect(rule, Next(), "local");
                    builder.DestinationIsLocal();
                    break;
                case "ct":
                    var key = Next();
                    if (key == "state") builder.ConnectionState(ParseStates(Next(), rule));
                    else if (key == "status") { Expect(rule, Next(), "dnat"); builder.ConnectionStatus(CtStatus.DstNat); }
                    else throw Bad(rule, $"'ct {key}' is not a match NetPlan writes");
                    break;
                case "tcp" or "udp" or "sctp":
                    Expect(rule, Next(), "dport");
                    var (first, last) = ParsePorts(Next(), rule);
                    builder.DestinationPorts(Enum.Parse<IpProtocol>(token, ignoreCase: true), first, last);
                    break;
                case "accept": builder.Accept(); break;
                case "drop": builder.Drop(); break;
                case "masquerade": builder.Masquerade(); break;
                case "dnat":
                    Expect(rule, Next(), "ip"); Expect(rule, Next(), "to");
                    var target = Next();
                    var colon = target.IndexOf(':');
                    var to = ParseAddress(colon < 0 ? target : target[..colon], rule);
                    if (colon < 0) builder.Dnat(to);
                    else
                    {
                        var (port, portMax) = ParsePorts(target[(colon + 1)..], rule);
                        builder.Dnat(to, port, portMax == port ? null : portMax);
                    }
                    break;
                default:
                    throw Bad(rule, $"'{token}' is not part of a rule NetPlan writes");
            }
        }
        return builder.Build(rule.Comment);
    }

    private static ArgumentException Bad(FirewallRule rule, string why) => new($"firewall rule '{rule}': {why}");

    private static void Expect(FirewallRule rule, string token, string expected)
    {
        if (token != expected) throw Bad(rule, $"expected '{expected}', found '{token}'");
    }

    private static string Unquote(string token, FirewallRule rule) =>
        token.Length >= 2 && token[0] == '"' && token[^1] == '"' ? token[1..^1] : throw Bad(rule, $"interface name {token} is not quoted");

    private static IPAddress ParseAddress(string text, FirewallRule rule) =>
        IPAddress.TryParse(text, out var a) ? a : throw Bad(rule, $"'{text}' is not an address");

    private static (IPAddress, int) ParsePrefix(string text, FirewallRule rule)
    {
        var slash = text.IndexOf('/');
        var address = ParseAddress(slash < 0 ? text : text[..slash], rule);
        var width = address.GetAddressBytes().Length * 8;
        if (slash < 0) return (address, width);
        return int.TryParse(text[(slash + 1)..], out var length) && length >= 1 && length <= width
            ? (address, length)
            : throw Bad(rule, $"'{text}' is not a prefix");
    }

    private static (ushort First, ushort Last) ParsePorts(string text, FirewallRule rule)
    {
        var dash = text.IndexOf('-');
        ushort first, last;
        bool ok;
        if (dash < 0)
        {
            ok = ushort.TryParse(text, out first);
            last = first;
        }
        else ok = ushort.TryParse(text[..dash], out first) & ushort.TryParse(text[(dash + 1)..], out last);
        if (!ok || first == 0 || last < first) throw Bad(rule, $"'{text}' is not a port or port range");
        return (first, last);
    }

    private static readonly (CtState State, string Name)[] StateNames =
        [(CtState.Invalid, "invalid"), (CtState.Established, "established"), (CtState.Related, "related"), (CtState.New, "new"), (CtState.Untracked, "untracked")];

    private static CtState ParseStates(string text, FirewallRule rule)
    {
        CtState states = 0;
        foreach (var name in text.Split(','))
        {
            var match = StateNames.FirstOrDefault(s => s.Name == name);
            if (match.Name is null) throw Bad(rule, $"'{name}' is not a conntrack state");
            states |= match.State;
        }
        return states;
    }

    // ---- rules: bytecode → text ---------------------------------------------------------------

    public static FirewallRule FromKernel(Rule rule)
    {
        if (Decompile(rule.Expressions) is { } text)
        {
            var candidate = new FirewallRule(rule.Chain, text, rule.Comment);
            try
            {
                if (ToKernel(candidate).Equals(rule)) return candidate;
            }
            catch (ArgumentException) { }
        }
        return new FirewallRule(rule.Chain, Unrecognized + string.Join(" ; ", rule.Expressions), rule.Comment);
    }

    /// <summary>The nft text of the shapes <see cref="RuleBuilder"/> emits, or null for anything else.</summary>
    private static string? Decompile(IReadOnlyList<Expression> e)
    {
        var pieces = new List<string>();
        var i = 0;
        T? At<T>(int k) where T : Expression => k < e.Count ? e[k] as T : null;
        while (i < e.Count)
        {
            switch (e[i])
            {
                case Meta { Key: MetaKey.IifName or MetaKey.OifName } meta when At<Cmp>(i + 1) is { Op: CmpOp.Eq or CmpOp.Neq } cmp:
                    var name = System.Text.Encoding.ASCII.GetString(cmp.Data.Bytes).TrimEnd('\0');
                    pieces.Add($"{(meta.Key == MetaKey.IifName ? "iifname" : "oifname")} {(cmp.Op == CmpOp.Neq ? "!= " : "")}\"{name}\"");
                    i += 2;
                    break;
                case Meta { Key: MetaKey.NfProto } when At<Payload>(i + 2) is { Base: PayloadBase.Network } payload:
                    var masked = At<Bitwise>(i + 3);
                    var value = At<Cmp>(i + (masked is null ? 3 : 4));
                    if (value is null) return null;
                    var v4 = payload.Offset is 12 or 16;
                    var bytes = new byte[v4 ? 4 : 16];
                    value.Data.Bytes.CopyTo(bytes);
                    var prefix = masked is null ? (int)payload.Length * 8 : masked.Mask.Bytes.ToArray().Sum(b => BitOperations.PopCount(b));
                    var field = payload.Offset is 12 or 8 ? "saddr" : "daddr";
                    var shown = prefix == bytes.Length * 8 ? $"{new IPAddress(bytes)}" : $"{new IPAddress(bytes)}/{prefix}";
                    pieces.Add($"{(v4 ? "ip" : "ip6")} {field} {(value.Op == CmpOp.Neq ? "!= " : "")}{shown}");
                    i += masked is null ? 4 : 5;
                    break;
                case Meta { Key: MetaKey.L4Proto } when At<Cmp>(i + 1) is { } proto && At<Payload>(i + 2) is { Base: PayloadBase.Transport, Offset: 2 }
                                                       && At<Cmp>(i + 3) is { } port:
                    var protocol = ((IpProtocol)proto.Data.Bytes[0]).ToString().ToLowerInvariant();
                    var first = (port.Data.Bytes[0] << 8) | port.Data.Bytes[1];
                    if (port.Op == CmpOp.Gte && At<Cmp>(i + 4) is { Op: CmpOp.Lte } upper)
                    {
                        pieces.Add($"{protocol} dport {first}-{(upper.Data.Bytes[0] << 8) | upper.Data.Bytes[1]}");
                        i += 5;
                    }
                    else
                    {
                        pieces.Add($"{protocol} dport {first}");
                        i += 4;
                    }
                    break;
                case Fib { Flags: FibFlags.Daddr, Result: FibResult.AddressType }:
                    pieces.Add("fib daddr type local");
                    i += 2;
                    break;
                case Ct { Key: CtKey.State } when At<Bitwise>(i + 1) is { } mask:
                    var states = (CtState)BitConverter.ToUInt32(mask.Mask.Bytes);
                    pieces.Add("ct state " + string.Join(',', StateNames.Where(s => states.HasFlag(s.State)).Select(s => s.Name)));
                    i += 3;
                    break;
                case Ct { Key: CtKey.Status }:
                    pieces.Add("ct status dnat");
                    i += 3;
                    break;
                case Immediate { Verdict: { } verdict }:
                    pieces.Add(verdict.ToString());
                    i += 1;
                    break;
                case Masq:
                    pieces.Add("masquerade");
                    i += 1;
                    break;
                case Immediate { Data: { } address, Destination: Register.R1 }:
                    var target = $"{new IPAddress(address.Bytes)}";
                    var k = i + 1;
                    if (At<Immediate>(k) is { Data: { } p, Destination: Register.R2 }) { target += $":{(p.Bytes[0] << 8) | p.Bytes[1]}"; k++; }
                    if (At<Immediate>(k) is { Data: { } q, Destination: Register.R3 }) { target += $"-{(q.Bytes[0] << 8) | q.Bytes[1]}"; k++; }
                    if (At<Nat>(k) is not { Type: NatType.Dnat }) return null;
                    pieces.Add($"dnat ip to {target}");
                    i = k + 1;
                    break;
                default:
                    return null;
            }
        }
        return string.Join(' ', pieces);
    }
}
