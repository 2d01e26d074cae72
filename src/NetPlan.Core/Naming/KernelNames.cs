using System.Security.Cryptography;
using System.Text;

namespace NetPlan.Core.Naming;

/// <summary>
/// Derives the Linux interface names NetPlan creates in a host namespace. A name is
/// <c>np</c> + a kind letter + up to five readable characters of the user's name + <c>-</c> + six
/// base32 characters of a hash of (topology, kind, identity), e.g. <c>npbfront-q3k9za</c>:
/// at most 15 bytes (IFNAMSIZ − 1), only <c>[a-z0-9-]</c>, and always starting with <c>np</c>
/// so operators and tooling can spot NetPlan's links.
/// </summary>
/// <remarks>
/// Six base32 characters are 30 bits: among 5000 names that share a readable part the chance of any
/// collision is about 1%, so collisions are still detected and resolved by <see cref="NameTable"/>.
/// </remarks>
public static class KernelNames
{
    /// <summary>IFNAMSIZ is 16 including the terminating NUL.</summary>
    public const int MaxLength = 15;

    public const int ReadableLength = 5;
    public const int HashLength = 6;

    /// <summary>A network's bridge (bridge and overlay drivers).</summary>
    public const string BridgePrefix = "npb";
    /// <summary>An overlay network's VXLAN device.</summary>
    public const string VxlanPrefix = "npx";
    /// <summary>The host end of an endpoint's veth pair.</summary>
    public const string VethPrefix = "npv";

    // Crockford's base32 alphabet, lower case: no i, l, o, u, so names read unambiguously.
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    /// <summary>
    /// The name for one object. <paramref name="salt"/> is 0 for the first choice; the name table
    /// retries with 1, 2, … when a name is already taken.
    /// </summary>
    public static string Derive(string topology, string prefix, string readable, string identity, int salt = 0) =>
        prefix + Readable(readable) + "-" + Hash($"{topology}\n{prefix}\n{identity}" + (salt == 0 ? "" : $"\n#{salt}"));

    /// <summary>The first <see cref="ReadableLength"/> lower-case letters and digits of a user's name.</summary>
    public static string Readable(string name)
    {
        var kept = new StringBuilder(ReadableLength);
        foreach (var c in name)
        {
            var lower = char.ToLowerInvariant(c);
            if (lower is (>= 'a' and <= 'z') or (>= '0' and <= '9')) kept.Append(lower);
            if (kept.Length == ReadableLength) break;
        }
        return kept.ToString();
    }

    /// <summary><see cref="HashLength"/> base32 characters taken from the first 30 bits of SHA-256.</summary>
    public static string Hash(string input)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(input), digest);
        ulong bits = ((ulong)digest[0] << 32) | ((ulong)digest[1] << 24) | ((ulong)digest[2] << 16) | ((ulong)digest[3] << 8) | digest[4];
        Span<char> chars = stackalloc char[HashLength];
        for (var i = 0; i < HashLength; i++)
            chars[i] = Alphabet[(int)((bits >> (35 - 5 * i)) & 31)];
        return new string(chars);
    }
}
