using System.Net;
using System.Text;
using NetPlan.Core.State;
using NetPlan.Core.Language;

namespace NetPlan.Core.Names;

/// <summary>
/// Network-scoped name resolution without a daemon: each sandbox gets its own <c>hosts</c>,
/// <c>resolv.conf</c> and <c>hostname</c> under <c>/etc/netns/NAME/</c>, which <c>ip netns exec</c>
/// bind-mounts over <c>/etc</c> for the processes it starts (glibc and musl both read them).
///
/// A sandbox sees exactly the sandboxes it shares a network with, by name and by the aliases they
/// declared on that network, at their address on that network — Docker's user-defined-network
/// rule. A peer shared over two networks is listed at both addresses, the sandbox's own network
/// order first, so the address the sandbox reaches it by naturally comes first.
/// </summary>
public static class SandboxFiles
{
    public const string EtcNetns = "/etc/netns";

    /// <summary>The files NetPlan writes for each sandbox, in <c>/etc/netns/NAME/</c>.</summary>
    public static readonly IReadOnlyList<string> FileNames = ["hosts", "resolv.conf", "hostname"];

    /// <summary>The files of one sandbox.</summary>
    /// <param name="addressOf">The endpoint address IPAM chose for (sandbox, network); null when it could not (reported by IPAM).</param>
    /// <param name="hostNameservers">The node's own resolvers, used when a sandbox declares no <c>dns:</c>.</param>
    public static IEnumerable<FileObject> For(
        Topology topology,
        Sandbox sandbox,
        Func<string, string, IPAddress?> addressOf,
        IReadOnlyList<IPAddress> hostNameservers) =>
        For(new NetworkPeers(topology, addressOf), sandbox, hostNameservers, ObservedFiles.None);

    /// <summary>
    /// The files of one sandbox, with the peers of every network worked out once for all sandboxes;
    /// a hosts file equal to the one the node holds is that same content (see <see cref="ObservedFiles"/>).
    /// </summary>
    internal static IEnumerable<FileObject> For(NetworkPeers peers, Sandbox sandbox, IReadOnlyList<IPAddress> hostNameservers, ObservedFiles observed)
    {
        var dir = DirectoryOf(sandbox.Name);
        var mark = Ownership.FileMark(peers.Topology.Name) + "\n";
        var hosts = $"{dir}/hosts";
        yield return new FileObject(hosts, observed.Content(hosts, Hosts(peers, sandbox, prefix: mark))) { Owner = peers.Topology.Name };
        yield return Owned(peers.Topology, $"{dir}/resolv.conf", ResolvConf(sandbox, hostNameservers));
        yield return Owned(peers.Topology, $"{dir}/hostname", sandbox.Hostname + "\n");
    }

    /// <summary>The paths of one sandbox's files.</summary>
    public static IEnumerable<string> PathsOf(string sandbox) => FileNames.Select(f => $"{DirectoryOf(sandbox)}/{f}");

    /// <summary>The directory a sandbox's files live in; deleted with its last file.</summary>
    public static string DirectoryOf(string sandbox) => $"{EtcNetns}/{sandbox}";

    private static FileObject Owned(Topology topology, string path, string body) =>
        new(path, Ownership.FileMark(topology.Name) + "\n" + body) { Owner = topology.Name };

    internal static string Hosts(Topology topology, Sandbox self, Func<string, string, IPAddress?> addressOf) =>
        Encoding.UTF8.GetString(Hosts(new NetworkPeers(topology, addressOf), self));

    private const string HostsHeader = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n";

    /// <summary>The hosts file in UTF-8, written into the peers' text buffer: valid until the next sandbox's.</summary>
    private static ReadOnlySpan<byte> Hosts(NetworkPeers peers, Sandbox self, string prefix = "")
    {
        // One line per address, in first-seen order; a dictionary keeps this linear in the number
        // of peers (a hosts file is built for every sandbox, so a scan here would be cubic). The
        // dictionary and line list are the peers' scratch space, reused for every sandbox, and a
        // line is its peer's pre-encoded one until a second endpoint at the same address adds names:
        // allocating and encoding them per sandbox made building 1000 files cost most of a no-op plan.
        if (self.Endpoints.Count == 1) return OneNetworkHosts(peers, self, self.Endpoints[0], prefix);
        var (lines, lineAt) = peers.Scratch();
        void Add(IPAddress address, HostsLine line) // line.Names: no duplicates
        {
            if (!lineAt.TryGetValue(address, out var index))
            {
                lineAt[address] = lines.Count;
                lines.Add(line);
                return;
            }
            var merged = lines[index].Names.ToList();
            foreach (var name in line.Names)
                if (!merged.Contains(name)) merged.Add(name);
            lines[index] = new HostsLine(lines[index].Address, merged, Utf8: null);
        }

        // Its own names first: hostname, sandbox name and its aliases, at its address on each network.
        foreach (var endpoint in self.Endpoints)
            if (peers.AddressOf(self.Name, endpoint.Network) is { } address)
                Add(address, new HostsLine(address.ToString(), OwnNames(self, endpoint).ToList(), Utf8: null));

        foreach (var endpoint in self.Endpoints)
            foreach (var peer in peers.On(endpoint.Network))
                if (peer.Sandbox != self.Name)
                    Add(peer.Address, new HostsLine(peer.AddressText, peer.Names, peer.HostsLine));

        // Written into a buffer reused for every sandbox (prefix: the ownership mark): the caller
        // copies it only when the node does not already hold the same bytes. Only its own lines
        // and merged ones (a few per sandbox) are encoded here; a peer's is encoded once for all.
        var encoded = lines.Select(l => l.Utf8 ?? Encoding.UTF8.GetBytes(NetworkPeers.LineText(l.Address, l.Names))).ToList();
        var head = Encoding.UTF8.GetBytes(prefix + HostsHeader);
        var text = peers.TextBuffer(head.Length + encoded.Sum(e => e.Length));
        head.CopyTo(text, 0);
        var at = head.Length;
        foreach (var line in encoded)
        {
            line.CopyTo(text, at);
            at += line.Length;
        }
        return text.AsSpan(0, at);
    }

    /// <summary>The names a sandbox gives itself on one of its networks: hostname, its name, its aliases there.</summary>
    private static IEnumerable<string> OwnNames(Sandbox self, Endpoint endpoint) =>
        new[] { self.Hostname, self.Name }.Concat(endpoint.Aliases).Distinct(StringComparer.Ordinal);

    /// <summary>
    /// The hosts file of a sandbox on one network: its own line, then every other line of that
    /// network as one block. On one network every address is distinct (IPAM refuses a duplicate),
    /// so no lines merge, and this is the general case's text without its lookups and per-peer
    /// copies (which were most of building 1000 files).
    /// </summary>
    private static ReadOnlySpan<byte> OneNetworkHosts(NetworkPeers peers, Sandbox self, Endpoint endpoint, string prefix)
    {
        var utf8 = Encoding.UTF8;
        var own = peers.AddressOf(self.Name, endpoint.Network) is { } address
            ? NetworkPeers.LineText(address.ToString(), OwnNames(self, endpoint))
            : "";
        var (block, lineOf) = peers.LinesOn(endpoint.Network);
        var skip = lineOf.TryGetValue(self.Name, out var range) ? range : 0..0;
        var before = block.AsSpan(0, skip.Start.Value);
        var after = block.AsSpan(skip.End.Value);

        var text = peers.TextBuffer(utf8.GetByteCount(prefix) + utf8.GetByteCount(HostsHeader) + utf8.GetByteCount(own) + before.Length + after.Length);
        var at = 0;
        at += utf8.GetBytes(prefix, text.AsSpan(at));
        at += utf8.GetBytes(HostsHeader, text.AsSpan(at));
        at += utf8.GetBytes(own, text.AsSpan(at));
        before.CopyTo(text.AsSpan(at));
        at += before.Length;
        after.CopyTo(text.AsSpan(at));
        at += after.Length;
        return text.AsSpan(0, at);
    }

    internal static string ResolvConf(Sandbox sandbox, IReadOnlyList<IPAddress> hostNameservers)
    {
        // Loopback resolvers (systemd-resolved's 127.0.0.53, a local dnsmasq) live in the host's
        // namespace: inside the sandbox that address is the sandbox's own loopback, where nothing
        // answers. Never copy them in.
        var servers = sandbox.Dns.Count > 0
            ? sandbox.Dns
            : hostNameservers.Where(a => !IPAddress.IsLoopback(a)).ToList();
        var text = new StringBuilder();
        foreach (var server in servers) text.Append("nameserver ").Append(server).Append('\n');
        if (sandbox.DnsSearch.Count > 0) text.Append("search ").AppendJoin(' ', sandbox.DnsSearch).Append('\n');
        // Peer names come from the hosts file; a short name must not wander through search domains first.
        text.Append("options ndots:0\n");
        return text.ToString();
    }
}
