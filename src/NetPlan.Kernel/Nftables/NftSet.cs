using System.Net;

namespace NetPlan.Kernel.Nftables;

/// <summary>
/// nft's data types for set keys and map values (nft's <c>enum datatypes</c>: the number is what
/// nft stores in NFTA_SET_KEY_TYPE so <c>nft list</c> can print the elements).
/// </summary>
public sealed record SetDataType(string Name, uint Id, uint Length, bool BigEndian)
{
    public static readonly SetDataType Ipv4Address = new("ipv4_addr", 7, 4, true);
    public static readonly SetDataType Ipv6Address = new("ipv6_addr", 8, 16, true);
    public static readonly SetDataType InetProto = new("inet_proto", 12, 1, false);
    public static readonly SetDataType InetService = new("inet_service", 13, 2, true);
    public static readonly SetDataType Mark = new("mark", 19, 4, false);
    public static readonly SetDataType InterfaceName = new("ifname", 41, 16, false);

    private const int TypeBits = 6;

    /// <summary>
    /// <c>a . b</c>: nft encodes a concatenation's type as the parts' ids shifted in 6 bits at a
    /// time and its length as the parts' lengths each rounded up to a 32-bit register word.
    /// </summary>
    public static SetDataType Concat(params SetDataType[] parts) => new(
        string.Join(" . ", parts.Select(p => p.Name)),
        parts.Aggregate(0u, (id, p) => (id << TypeBits) | p.Id),
        (uint)parts.Sum(p => (p.Length + 3) / 4 * 4),
        false);
}

[Flags]
public enum SetFlags : uint
{
    None = 0,
    Anonymous = 0x1,
    Constant = 0x2,
    Interval = 0x4,
    Map = 0x8,
    Timeout = 0x10,
    Eval = 0x20,
    Object = 0x40,
    Concat = 0x80,
}

/// <summary>One element: its key and, in a map, its value (data or verdict).</summary>
public sealed record SetElement(NftData Key, NftData? Data = null, Verdict? Verdict = null)
{
    public static SetElement Of(IPAddress address) => new(NftData.Address(address));
    public static SetElement Port(ushort port) => new(NftData.U16BigEndian(port));
    public static SetElement Proto(byte protocol) => new(NftData.U8(protocol));
}

/// <summary>
/// A named set (or, with <see cref="Value"/>, a map) of one table with its elements. Interval sets
/// are not modelled: they need start/end element pairs, and NetPlan matches ranges with cmp.
/// </summary>
public sealed record NftSet(string Name, SetDataType Key, IReadOnlyList<SetElement> Elements, SetDataType? Value = null, bool VerdictMap = false)
{
    public SetFlags Flags => Value is not null || VerdictMap ? SetFlags.Map : SetFlags.None;

    public bool Equals(NftSet? other) =>
        other is not null && Name == other.Name && Key.Id == other.Key.Id && Key.Length == other.Key.Length
        && Value?.Id == other.Value?.Id && VerdictMap == other.VerdictMap
        && Elements.OrderBy(e => e.Key.ToString()).SequenceEqual(other.Elements.OrderBy(e => e.Key.ToString()));

    public override int GetHashCode() => HashCode.Combine(Name, Key.Id, Elements.Count);

    public override string ToString() => $"set {Name} {{ type {Key.Name}; {Elements.Count} elements }}";
}
