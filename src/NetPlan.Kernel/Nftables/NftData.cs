using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace NetPlan.Kernel.Nftables;

/// <summary>
/// A constant as the kernel stores it (NFTA_DATA_VALUE): raw bytes, compared by content. The
/// factories say which byte order each kind of value uses, which is the part people get wrong:
/// ports and addresses are network order, meta/ct/fib results are host order.
/// </summary>
public sealed class NftData : IEquatable<NftData>
{
    private readonly byte[] _bytes;

    public NftData(ReadOnlySpan<byte> bytes) => _bytes = bytes.ToArray();

    public ReadOnlySpan<byte> Bytes => _bytes;
    public int Length => _bytes.Length;

    public static NftData U8(byte value) => new([value]);
    public static NftData U16BigEndian(ushort value) { Span<byte> b = stackalloc byte[2]; BinaryPrimitives.WriteUInt16BigEndian(b, value); return new(b); }
    public static NftData U32BigEndian(uint value) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteUInt32BigEndian(b, value); return new(b); }
    /// <summary>A 32-bit value in host (little-endian) order: ct state bits, fib address types, marks.</summary>
    public static NftData U32Host(uint value) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, value); return new(b); }
    public static NftData Address(IPAddress address) => new(address.GetAddressBytes());
    /// <summary>An interface name as meta iifname/oifname loads it: NUL-padded to IFNAMSIZ (16).</summary>
    public static NftData InterfaceName(string name)
    {
        var bytes = Encoding.ASCII.GetBytes(name);
        if (bytes.Length > 15) throw new ArgumentException($"interface name '{name}' is longer than 15 bytes", nameof(name));
        var padded = new byte[16];
        bytes.CopyTo(padded, 0);
        return new(padded);
    }
    /// <summary>Concatenated set keys: each part padded to 4 bytes, as nft lays them out in registers.</summary>
    public static NftData Concat(params NftData[] parts)
    {
        var result = new List<byte>();
        foreach (var part in parts)
        {
            result.AddRange(part._bytes);
            result.AddRange(new byte[(4 - part.Length % 4) % 4]);
        }
        return new(result.ToArray());
    }

    public bool Equals(NftData? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);
    public override bool Equals(object? obj) => Equals(obj as NftData);
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(_bytes);
        return hash.ToHashCode();
    }
    public override string ToString() => "0x" + Convert.ToHexString(_bytes).ToLowerInvariant();
}

/// <summary>NFT_REG_*: the verdict register and the four 128-bit data registers nft uses.</summary>
public enum Register : uint { Verdict = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4 }

public enum VerdictCode
{
    Continue = -1,
    Break = -2,
    Jump = -3,
    Goto = -4,
    Return = -5,
    Drop = 0,
    Accept = 1,
}

/// <summary>A verdict: accept, drop, return, or jump/goto to a chain of the same table.</summary>
public sealed record Verdict(VerdictCode Code, string? Chain = null)
{
    public static readonly Verdict Accept = new(VerdictCode.Accept);
    public static readonly Verdict Drop = new(VerdictCode.Drop);
    public static readonly Verdict Return = new(VerdictCode.Return);
    public static Verdict Jump(string chain) => new(VerdictCode.Jump, chain);
    public static Verdict Goto(string chain) => new(VerdictCode.Goto, chain);

    public override string ToString() => Chain is null ? Code.ToString().ToLowerInvariant() : $"{Code.ToString().ToLowerInvariant()} -> {Chain}";
}
