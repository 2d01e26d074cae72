using System.Security.Cryptography;
using System.Text;

namespace NetPlan.Core.State;

/// <summary>
/// How NetPlan marks what it owns in the kernel, so there is no state file. The observer reads these
/// marks back into <see cref="StateObject.Owner"/>; only owned objects are ever changed or deleted.
/// </summary>
public static class Ownership
{
    /// <summary>Links carry <c>netplan:&lt;topology&gt;</c> (plus an optional <c>/detail</c>) in IFLA_IFALIAS.</summary>
    public const string AliasPrefix = "netplan:";

    /// <summary>Routes NetPlan adds carry this rtm_protocol (the kernel ignores values above RTPROT_STATIC).</summary>
    public const byte RouteProtocol = 0x9e;

    /// <summary>Addresses NetPlan adds carry this IFA_PROTO (Linux 5.18+).</summary>
    public const byte AddressProtocol = 0x9e;

    /// <summary>The alias written on a link owned by <paramref name="topology"/>.</summary>
    public static string LinkAlias(string topology, string? detail = null) =>
        detail is null ? AliasPrefix + topology : $"{AliasPrefix}{topology}/{detail}";

    /// <summary>The owning topology read back from an alias, or null when the alias is not NetPlan's.</summary>
    public static string? OwnerFromAlias(string? alias)
    {
        if (alias is null || !alias.StartsWith(AliasPrefix, StringComparison.Ordinal)) return null;
        var rest = alias[AliasPrefix.Length..];
        var slash = rest.IndexOf('/');
        return slash < 0 ? rest : rest[..slash];
    }

    /// <summary>
    /// The owner of a link as <paramref name="observer"/> sees it: its alias says so, or — the alias
    /// being written in a second request after creation (the kernel ignores it in NEWLINK) — it has
    /// no alias yet and carries <paramref name="observer"/>'s group, which NEWLINK itself sets. That
    /// is a link a crash interrupted between the two requests: ours, with its alias to repair.
    /// </summary>
    public static string? OwnerOfLink(string? alias, uint group, string observer) =>
        OwnerFromAlias(alias) ?? (string.IsNullOrEmpty(alias) && group == LinkGroup(observer) ? observer : null);

    /// <summary>
    /// The IFLA_GROUP of a topology's links, for `ip link del group N`-style bulk teardown. Derived
    /// from the name so every host agrees without coordination; never 0 (the default group).
    /// Teardown still checks each link's alias before bulk deletion, so a hash collision with a
    /// foreign group can never delete what is not ours.
    /// </summary>
    public static uint LinkGroup(string topology)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("netplan-group:" + topology));
        var value = BitConverter.ToUInt32(hash, 0) & 0x7fff_ffff;
        return value < 0x1000 ? value + 0x1000 : value;
    }

    /// <summary>
    /// Inside a named namespace NetPlan owns, the loopback's alias holds the namespace mark
    /// (<c>netplan:&lt;topology&gt;</c>). A namespace without it is foreign.
    /// </summary>
    public const string NamespaceMarkLink = "lo";

    /// <summary>First line of every file NetPlan writes (hosts, resolv.conf); a file without it is foreign.</summary>
    public static string FileMark(string topology) => $"# {AliasPrefix}{topology} (managed by NetPlan; edits are overwritten)";

    /// <summary>The owning topology read back from a file's first line, or null.</summary>
    public static string? OwnerFromFile(FileText content)
    {
        var text = content.Utf8Bytes;
        var newline = text.IndexOf((byte)'\n');
        var firstLine = newline < 0 ? text : text[..newline]; // only the first line: a hosts file can be megabytes
        var head = "# netplan:"u8; // "# " + AliasPrefix, as FileMark writes it
        if (!firstLine.StartsWith(head)) return null;
        var rest = firstLine[head.Length..];
        var space = rest.IndexOf((byte)' ');
        return Encoding.UTF8.GetString(space < 0 ? rest : rest[..space]);
    }

    /// <summary>The nftables table (family inet) of a topology on every node.</summary>
    public static string FirewallTableName(string topology) => "netplan-" + topology;

    /// <summary>The comment on a topology's nftables table: a same-named table without it is foreign.</summary>
    public static string FirewallMark(string topology) => AliasPrefix + topology;

    /// <summary>The owning topology read back from a table comment, or null.</summary>
    public static string? OwnerFromFirewallComment(string? comment) =>
        comment is not null && comment.StartsWith(AliasPrefix, StringComparison.Ordinal) ? comment[AliasPrefix.Length..] : null;
}
