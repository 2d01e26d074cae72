using System.Net.Sockets;
using NetPlan.Agent.Observe;
using NetPlan.Core.State;
using NetPlan.Kernel;
using NetPlan.Kernel.Links;
using NetPlan.Kernel.Namespaces;
using NetPlan.Kernel.Routes;

namespace NetPlan.Agent.Apply;

/// <summary>Namespaces, addresses, routes, neighbours, FDB entries, sysctls and files: one request (or file operation) each.</summary>
internal sealed class SimpleObjectApplier(NamespaceConnections connections, string etcNetnsDirectory)
{
    private readonly Ipv6Off _ipv6 = new(connections);

    /// <summary>
    /// `ip netns add` with lo up and marked with the owner (the namespace's ownership mark) before
    /// the namespace gets its name: a crash can leave no unmarked namespace, which the next run
    /// would have to call foreign.
    /// </summary>
    public void CreateNamespace(NamespaceObject ns)
    {
        connections.Create(ns.Name, connection => MarkLoopback(ns, connection, $"creating namespace {ns.Name}"));
        _ipv6.ForNewLinksIn(ns.Name);
    }

    public void UpdateNamespace(NamespaceObject ns) =>
        MarkLoopback(ns, connections.For(ns.Name), $"updating namespace {ns.Name}");

    private static void MarkLoopback(NamespaceObject ns, RouteConnection connection, string description) =>
        connection.SetLink(Ownership.NamespaceMarkLink, new LinkChange
        {
            Up = ns.LoopbackUp,
            Alias = ns.Owner is { } owner ? Ownership.LinkAlias(owner) : "",
        }, $"{description}: setting up its loopback");

    public void Create(StateObject o)
    {
        switch (o)
        {
            case AddressObject a:
                var (address, prefix) = StateForms.ParseCidr(a.Cidr);
                var on = connections.For(a.Namespace);
                on.AddAddress(on.IndexOf(a.Link, $"adding address {a.Cidr} to {Where(a.Namespace)}/{a.Link}"), address, prefix,
                    Ownership.AddressProtocol, $"adding address {a.Cidr} to {Where(a.Namespace)}/{a.Link}");
                break;
            case RouteObject r:
                connections.For(r.Namespace).AddRoute(Spec(r), $"adding route {Describe(r)}");
                break;
            case NeighbourObject n:
                var nc = connections.For(n.Namespace);
                var what = $"adding neighbour {n.Address} lladdr {n.Mac} on {Where(n.Namespace)}/{n.Link}";
                nc.ReplaceNeighbour(nc.IndexOf(n.Link, what), StateForms.ParseAddress(n.Address), n.Mac, what);
                break;
            case FdbObject f:
                var fc = connections.For(f.Namespace);
                var fwhat = $"adding fdb entry {f.Mac} dst {f.Destination} on {Where(f.Namespace)}/{f.Link}";
                fc.AppendFdb(fc.IndexOf(f.Link, fwhat), f.Mac, StateForms.ParseAddress(f.Destination), fwhat);
                break;
            case SysctlObject s:
                Sysctl.Write(connections.PathOf(s.Namespace), s.Name, s.Value);
                break;
            case FileObject file:
                WriteAtomically(file);
                break;
            default:
                throw new ArgumentException($"cannot create a {o.GetType().Name}");
        }
    }

    public void Update(StateObject before, StateObject after)
    {
        switch (after)
        {
            case NeighbourObject or SysctlObject or FileObject:
                Create(after); // replace-in-place: `neigh replace`, a sysctl write, an atomic file rename
                break;
            case RouteObject newRoute when before is RouteObject oldRoute:
                // The kernel flushes a route when the address its gateway was reachable through goes
                // (a subnet change deletes that address earlier in the same plan): gone is fine here.
                var on = connections.For(newRoute.Namespace);
                try { on.DeleteRoute(Spec(oldRoute), $"updating route {Describe(oldRoute)}: removing the old one"); }
                catch (KernelException e) when (e.Errno == Esrch) { }
                try
                {
                    on.ReplaceRoute(Spec(newRoute), $"updating route {Describe(newRoute)}");
                }
                catch (KernelException)
                {
                    // Put the old route back (when it can be), so a failed update changes nothing.
                    try { on.ReplaceRoute(Spec(oldRoute), $"restoring route {Describe(oldRoute)}"); }
                    catch (KernelException) { }
                    throw;
                }
                break;
            default:
                Delete(before);
                Create(after);
                break;
        }
    }

    /// <summary>ESRCH: the kernel's "no such route".</summary>
    private const int Esrch = 3;

    public void Delete(StateObject o)
    {
        switch (o)
        {
            case AddressObject a:
                var (address, prefix) = StateForms.ParseCidr(a.Cidr);
                var on = connections.For(a.Namespace);
                var what = $"deleting address {a.Cidr} from {Where(a.Namespace)}/{a.Link}";
                on.DeleteAddress(on.IndexOf(a.Link, what), address, prefix, what);
                break;
            case RouteObject r:
                connections.For(r.Namespace).DeleteRoute(Spec(r), $"deleting route {Describe(r)}");
                break;
            case NeighbourObject n:
                var nc = connections.For(n.Namespace);
                var nwhat = $"deleting neighbour {n.Address} on {Where(n.Namespace)}/{n.Link}";
                nc.DeleteNeighbour(nc.IndexOf(n.Link, nwhat), StateForms.ParseAddress(n.Address), nwhat);
                break;
            case FdbObject f:
                var fc = connections.For(f.Namespace);
                var fwhat = $"deleting fdb entry {f.Mac} dst {f.Destination} on {Where(f.Namespace)}/{f.Link}";
                fc.DeleteFdb(fc.IndexOf(f.Link, fwhat), f.Mac, StateForms.ParseAddress(f.Destination), fwhat);
                break;
            case SysctlObject:
                // A sysctl always has a value: no longer managing it leaves the current value in place.
                break;
            case FileObject file:
                File.Delete(file.Path);
                RemoveLeftoverTemporaries(file.Path);
                RemoveEmptyNetnsDirectory(file.Path);
                break;
            default:
                throw new ArgumentException($"cannot delete a {o.GetType().Name}");
        }
    }

    private RouteSpec Spec(RouteObject r)
    {
        var gateway = r.Gateway is null ? null : StateForms.ParseAddress(r.Gateway);
        var (destination, prefix) = r.Destination == "default"
            ? (null, 0)
            : StateForms.ParseCidr(r.Destination);
        var family = destination?.AddressFamily ?? gateway?.AddressFamily ?? AddressFamily.InterNetwork;
        var connection = connections.For(r.Namespace);
        return new RouteSpec(family, destination, prefix)
        {
            Gateway = gateway,
            OutputIndex = r.Device is { } dev ? connection.IndexOf(dev, $"route {Describe(r)}: device") : null,
            Metric = r.Metric is { } m ? (uint)m : null,
            Table = (uint)r.Table,
            Protocol = Ownership.RouteProtocol,
        };
    }

    /// <summary>Write to a temporary file in the same directory, then rename over: readers never see half a file.</summary>
    private static void WriteAtomically(FileObject file)
    {
        var directory = Path.GetDirectoryName(file.Path) ?? throw new ArgumentException($"'{file.Path}' has no directory");
        Directory.CreateDirectory(directory);
        RemoveLeftoverTemporaries(file.Path);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(file.Path)}{TemporaryInfix}{Guid.NewGuid():N}");
        try
        {
            File.WriteAllBytes(temporary, file.Content.Utf8Bytes);
            File.Move(temporary, file.Path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private const string TemporaryInfix = ".netplan-";

    /// <summary>
    /// Temporaries of <paramref name="path"/> that a run killed between write and rename left behind
    /// (`.NAME.netplan-` + 32 hex digits: nobody else makes such names). Removed before the file is
    /// written or deleted, so a crash leaks nothing — `ip netns exec` would bind-mount them too.
    /// </summary>
    private static void RemoveLeftoverTemporaries(string path)
    {
        var directory = Path.GetDirectoryName(path);
        if (directory is null || !Directory.Exists(directory)) return;
        var prefix = $".{Path.GetFileName(path)}{TemporaryInfix}";
        foreach (var leftover in Directory.EnumerateFiles(directory, prefix + "*"))
        {
            var suffix = Path.GetFileName(leftover)[prefix.Length..];
            if (suffix.Length == 32 && suffix.All(char.IsAsciiHexDigitLower)) File.Delete(leftover);
        }
    }

    /// <summary>/etc/netns/NAME/ exists only for NetPlan's files: once the last one is gone, so is the directory.</summary>
    private void RemoveEmptyNetnsDirectory(string path)
    {
        var directory = Path.GetDirectoryName(path);
        if (directory is null || Path.GetDirectoryName(directory) != Path.TrimEndingDirectorySeparator(etcNetnsDirectory)) return;
        if (Directory.Exists(directory) && !Directory.EnumerateFileSystemEntries(directory).Any()) Directory.Delete(directory);
    }

    private static string Where(string ns) => ns.Length == 0 ? "host" : ns;

    private static string Describe(RouteObject r) =>
        $"{r.Destination}{(r.Gateway is { } g ? $" via {g}" : "")}{(r.Device is { } d ? $" dev {d}" : "")} in {Where(r.Namespace)}";
}
