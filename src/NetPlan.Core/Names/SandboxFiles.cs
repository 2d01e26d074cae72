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
        IReadOnlyList<IPAddress> hostNameservers)
    {
        var dir = DirectoryOf(sandbox.Name);
        yield return Owned(topology, $"{dir}/hosts", Hosts(topology, sandbox, addressOf));
        yield return Owned(topology, $"{dir}/resolv.conf", ResolvConf(sandbox, hostNameservers));
        yield return Owned(topology, $"{dir}/hostname", sandbox.Hostname + "\n");
    }

    /// <summary>The paths of one sandbox's files.</summary>
    public static IEnumerable<string> PathsOf(string sandbox) => FileNames.Select(f => $"{DirectoryOf(sandbox)}/{f}");

    /// <summary>The directory a sandbox's files live in; deleted with its last file.</summary>
    public static string DirectoryOf(string sandbox) => $"{EtcNetns}/{sandbox}";

    private static FileObject Owned(Topology topology, string path, string body) =>
        new(path, Ownership.FileMark(topology.Name) + "\n" + body) { Owner = topology.Name };

    internal static string Hosts(Topology topology, Sandbox self, Func<string, string, IPAddress?> addressOf)
    {
        // One line per address, in first-seen order; a dictionary keeps this linear in the number
        // of peers (a hosts file is built for every sandbox, so a scan here would be cubic).
        var order = new List<IPAddress>();
        var namesAt = new Dictionary<IPAddress, List<string>>();
        void Add(IPAddress? address, IEnumerable<string> names)
        {
            if (address is null) return;
            if (!namesAt.TryGetValue(address, out var list))
            {
                namesAt[address] = list = [];
                order.Add(address);
            }
            foreach (var name in names)
                if (!list.Contains(name)) list.Add(name);
        }

        // Its own names first: hostname, sandbox name and its aliases, at its address on each network.
        foreach (var endpoint in self.Endpoints)
            Add(addressOf(self.Name, endpoint.Network), [self.Hostname, self.Name, .. endpoint.Aliases]);

        foreach (var endpoint in self.Endpoints)
        {
            var peers = topology.Sandboxes
                .Where(p => p.Name != self.Name)
                .SelectMany(p => p.Endpoints.Where(e => e.Network == endpoint.Network).Select(e => (Peer: p, Endpoint: e)));
            foreach (var (peer, peerEndpoint) in peers)
                Add(addressOf(peer.Name, endpoint.Network), [peer.Name, .. peerEndpoint.Aliases]);
        }

        var text = new StringBuilder();
        text.Append("127.0.0.1\tlocalhost\n");
        text.Append("::1\tlocalhost ip6-localhost ip6-loopback\n");
        foreach (var address in order)
            text.Append(address).Append('\t').AppendJoin(' ', namesAt[address]).Append('\n');
        return text.ToString();
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
