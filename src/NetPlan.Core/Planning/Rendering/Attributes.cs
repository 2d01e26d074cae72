using System.Text.Json;
using NetPlan.Core.State;

namespace NetPlan.Core.Planning.Rendering;

/// <summary>
/// An object's attributes as dotted paths and display values, read from its <see cref="StateJson"/>
/// form, so the text plan uses exactly the names the JSON plan and <see cref="Operation.Changed"/> use.
/// </summary>
internal static class Attributes
{
    /// <summary>Top-level fields that are part of the key or the header line, so not repeated below it.</summary>
    private static readonly HashSet<string> Identity =
        ["type", "key", "owner", "namespace", "name", "kind", "link", "cidr", "destination", "table", "address", "path"];

    public static IReadOnlyDictionary<string, string> Of(StateObject? obj)
    {
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (obj is null) return values;
        var element = JsonSerializer.SerializeToElement(obj, StateJson.Default.StateObject);
        Flatten(element, "", values);
        return values;
    }

    /// <summary>The attributes shown under a created object: everything but its identity.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Shown(StateObject obj) =>
        Of(obj).Where(kv => !Identity.Contains(kv.Key) && !(obj is FdbObject && kv.Key == "mac"));

    private static void Flatten(JsonElement element, string prefix, IDictionary<string, string> values)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                    Flatten(property.Value, prefix.Length == 0 ? property.Name : $"{prefix}.{property.Name}", values);
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray()) Flatten(item, $"{prefix}[{i++}]", values);
                break;
            case JsonValueKind.String:
                var text = element.GetString()!;
                // Multi-line or empty strings (file contents) are shown JSON-quoted so they stay on one line.
                values[prefix] = text.Length == 0 || text.Contains('\n') ? element.GetRawText() : text;
                break;
            case JsonValueKind.Null:
                break;
            default:
                values[prefix] = element.GetRawText();
                break;
        }
    }

    /// <summary>The JSON discriminator of an object: <c>namespace</c>, <c>link</c>, <c>address</c>, …</summary>
    public static string TypeOf(StateObject obj) => obj switch
    {
        NamespaceObject => "namespace",
        LinkObject => "link",
        AddressObject => "address",
        RouteObject => "route",
        NeighbourObject => "neighbour",
        FdbObject => "fdb",
        SysctlObject => "sysctl",
        FileObject => "file",
        FirewallTableObject => "firewall_table",
        _ => throw new ArgumentOutOfRangeException(nameof(obj), obj.GetType().Name, null),
    };
}
