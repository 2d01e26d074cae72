using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using NetPlan.Kernel.Interop;
using NetPlan.Kernel.Netlink;

namespace NetPlan.Kernel.Namespaces;

/// <summary>
/// One cached rtnetlink connection (and one netfilter socket) per network namespace, reused for
/// every request there.
/// Namespace "" is the host: the namespace at <c>hostNamespacePath</c>, or the caller's own
/// when that is null (tests point it at a throwaway namespace that plays the host).
/// </summary>
public sealed class NamespaceConnections(NamedNamespaces namespaces, string? hostNamespacePath = null) : IDisposable
{
    private readonly ConcurrentDictionary<string, RouteConnection> _open = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, NetlinkSocket> _netfilter = new(StringComparer.Ordinal);

    public NamedNamespaces Namespaces { get; } = namespaces;
    public string? HostNamespacePath { get; } = hostNamespacePath;

    public RouteConnection Host => For("");

    public RouteConnection For(string ns) => _open.GetOrAdd(ns, n => RouteConnection.Open(PathOf(n)));

    /// <summary>How many namespaces <see cref="OpenAll"/> enters per thread: it holds a descriptor of each meanwhile.</summary>
    public const int OpenBatch = 256;

    /// <summary>
    /// Opens (and caches) the connections of every named namespace in <paramref name="names"/> that
    /// has none yet, entering them on one thread per batch instead of one thread per namespace.
    /// </summary>
    public void OpenAll(IEnumerable<string> names)
    {
        var missing = names.Where(n => n.Length > 0 && !_open.ContainsKey(n)).Distinct(StringComparer.Ordinal).ToList();
        // Batches bound how many namespace descriptors are open at once.
        foreach (var batch in missing.Chunk(OpenBatch))
        {
            var sockets = NetlinkSocket.OpenInEach(batch.Select(n => Namespaces.PathOf(n)).ToList(), NetlinkSocket.NETLINK_ROUTE);
            for (var i = 0; i < batch.Length; i++)
                if (!_open.TryAdd(batch[i], new RouteConnection(sockets[i]))) sockets[i].Dispose();
        }
    }

    /// <summary>The cached NETLINK_NETFILTER socket of a namespace (nftables batches go through it).</summary>
    public NetlinkSocket Netfilter(string ns) => _netfilter.GetOrAdd(ns, n => PathOf(n) is { } path
        ? NetlinkSocket.OpenIn(path, NetlinkSocket.NETLINK_NETFILTER)
        : NetlinkSocket.Open(NetlinkSocket.NETLINK_NETFILTER));

    /// <summary>The file of the namespace (null for the host when it is the caller's own).</summary>
    public string? PathOf(string ns) => ns.Length == 0 ? HostNamespacePath : Namespaces.PathOf(ns);

    /// <summary>
    /// `ip netns add NAME`; the connection into the new namespace is opened on the thread that
    /// created it, so creating a sandbox costs no extra namespace switch. <paramref name="beforePublishing"/>
    /// runs on that connection before the namespace gets its name (see <see cref="NamedNamespaces.AddAndOpen"/>).
    /// </summary>
    public RouteConnection Create(string name, Action<RouteConnection>? beforePublishing = null)
    {
        var connection = new RouteConnection(Namespaces.AddAndOpen(name, NetlinkSocket.NETLINK_ROUTE,
            socket => beforePublishing?.Invoke(new RouteConnection(socket))));
        if (_open.TryRemove(name, out var stale)) stale.Dispose();
        _open[name] = connection;
        return connection;
    }

    /// <summary>
    /// `ip netns delete NAME`, then closing the cached connections (which would keep the namespace
    /// alive). In that order: the unmount then drops a reference that is not the last, and the
    /// sockets' release hands the namespace to the kernel's cleanup later. Closing them first made
    /// the unmount drop the last one itself, 5× slower (1000 sandboxes: 0.16 s against 0.03 s).
    /// </summary>
    public void Delete(string name)
    {
        try
        {
            Namespaces.Delete(name);
        }
        finally
        {
            if (_open.TryRemove(name, out var connection)) connection.Dispose();
            if (_netfilter.TryRemove(name, out var netfilter)) netfilter.Dispose();
        }
    }

    /// <summary>
    /// An open descriptor of a namespace, for IFLA_NET_NS_FD (create a link directly in it) and
    /// RTM_GETNSID. "/proc/self/ns/net" is the process's own namespace: its main thread never switches.
    /// </summary>
    public SafeFileHandle OpenFd(string ns)
    {
        var path = PathOf(ns) ?? "/proc/self/ns/net";
        var fd = LibC.open(path, LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        if (fd < 0)
            throw new KernelException($"opening network namespace {(ns.Length == 0 ? "of the host" : ns)}", Marshal.GetLastPInvokeError());
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    public void Dispose()
    {
        foreach (var connection in _open.Values) connection.Dispose();
        foreach (var socket in _netfilter.Values) socket.Dispose();
        _open.Clear();
        _netfilter.Clear();
    }
}
