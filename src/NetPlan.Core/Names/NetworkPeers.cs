using System.Net;
using System.Text;
using NetPlan.Core.Language;

namespace NetPlan.Core.Names;

/// <summary>
/// Who is on each network, in topology order, with the address text and names a hosts file lists
/// for them: worked out once per topology, not once per sandbox. Every sandbox's hosts file lists
/// every peer, so per-sandbox lookups (IPAM per peer, address formatting, LINQ over all sandboxes)
/// made building the files of 1000 sandboxes take a second.
/// </summary>
internal sealed class NetworkPeers(Topology topology, Func<string, string, IPAddress?> addressOf)
{
    /// <summary>A sandbox's endpoint on one network: its address and the names peers know it by there (no duplicates).</summary>
    public sealed record Entry(string Sandbox, IPAddress Address, string AddressText, IReadOnlyList<string> Names)
    {
        /// <summary>Its hosts line (<c>address\tname alias…\n</c>) in UTF-8: written into every peer's file, so encoded once.</summary>
        public byte[] HostsLine { get; } = Encoding.UTF8.GetBytes(LineText(AddressText, Names));
    }

    /// <summary>One hosts line: <c>address\tname alias…\n</c>.</summary>
    public static string LineText(string address, IEnumerable<string> names) => $"{address}\t{string.Join(' ', names)}\n";

    private readonly Dictionary<string, List<Entry>> _byNetwork = new(StringComparer.Ordinal);

    private readonly List<HostsLine> _lines = [];
    private readonly Dictionary<IPAddress, int> _lineAt = [];

    public Topology Topology { get; } = topology;

    /// <summary>Emptied scratch space for building one hosts file (lines, and where each address's line is); reused for every sandbox.</summary>
    public (List<HostsLine> Lines, Dictionary<IPAddress, int> LineAt) Scratch()
    {
        _lines.Clear();
        _lineAt.Clear();
        return (_lines, _lineAt);
    }

    private byte[] _text = [];

    /// <summary>A buffer of at least <paramref name="length"/> bytes for one file's UTF-8 text; reused for every sandbox.</summary>
    public byte[] TextBuffer(int length)
    {
        if (_text.Length < length) _text = new byte[Math.Max(length, _text.Length * 2)];
        return _text;
    }

    public IPAddress? AddressOf(string sandbox, string network) => addressOf(sandbox, network);

    /// <summary>Every endpoint on <paramref name="network"/> that has an address, with the sandbox name and its aliases there.</summary>
    public IReadOnlyList<Entry> On(string network)
    {
        if (_byNetwork.TryGetValue(network, out var entries)) return entries;
        entries = [];
        foreach (var sandbox in Topology.Sandboxes)
            foreach (var endpoint in sandbox.Endpoints)
                if (endpoint.Network == network && addressOf(sandbox.Name, network) is { } address)
                    entries.Add(new Entry(sandbox.Name, address, address.ToString(),
                        endpoint.Aliases.Prepend(sandbox.Name).Distinct(StringComparer.Ordinal).ToList()));
        return _byNetwork[network] = entries;
    }

    private readonly Dictionary<string, PeerLines> _linesByNetwork = new(StringComparer.Ordinal);

    /// <summary>
    /// The hosts lines of everyone on <paramref name="network"/> (<see cref="On"/>'s order) as one
    /// UTF-8 block, and where a sandbox's own line lies in it: the peers of a sandbox on that network
    /// alone are the block without that line, two copies instead of one per peer.
    /// </summary>
    public PeerLines LinesOn(string network)
    {
        if (_linesByNetwork.TryGetValue(network, out var lines)) return lines;
        var entries = On(network);
        var block = new byte[entries.Sum(e => e.HostsLine.Length)];
        var at = new Dictionary<string, Range>(StringComparer.Ordinal);
        var offset = 0;
        foreach (var entry in entries)
        {
            entry.HostsLine.CopyTo(block, offset);
            at[entry.Sandbox] = offset..(offset + entry.HostsLine.Length);
            offset += entry.HostsLine.Length;
        }
        return _linesByNetwork[network] = new PeerLines(block, at);
    }

    public sealed record PeerLines(byte[] Block, IReadOnlyDictionary<string, Range> LineOf);
}

/// <summary>
/// One line of a hosts file being built: an address and its names, and the line's UTF-8 when it
/// is exactly one peer's (<see cref="NetworkPeers.Entry.HostsLine"/>; null once names were merged in).
/// </summary>
internal readonly record struct HostsLine(string Address, IReadOnlyList<string> Names, byte[]? Utf8);
