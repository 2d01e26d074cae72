using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NetPlan.Core.State;

namespace NetPlan.Core.Planning;

/// <summary>
/// The identity of an observed host state: SHA-256 (lower-case hex) of its objects sorted by key and
/// serialised with <see cref="StateJson"/>. The agent recomputes it before applying; a different
/// value means the host changed since the plan was made (a stale plan).
/// </summary>
public static class Fingerprint
{
    public static string Of(HostState state)
    {
        var canonical = new HostState(state.Objects.OrderBy(o => o.Key, StringComparer.Ordinal).ToList());
        var json = JsonSerializer.Serialize(canonical, StateJson.Default.HostState);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
    }
}
