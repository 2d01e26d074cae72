using NetPlan.Agent.Firewall;
using NetPlan.Kernel;
using NetPlan.Core.Names;
using NetPlan.Core.State;
using NetPlan.Kernel.Interop;
using NetPlan.Kernel.Links;
using NetPlan.Kernel.Namespaces;
using NetPlan.Kernel.Neighbours;
using NetPlan.Kernel.Routes;

namespace NetPlan.Agent.Observe;

/// <summary>
/// Reads what a host holds for one topology: its owned objects, plus the foreign objects the scope
/// names (links, namespaces, files, sysctls) so the planner can refuse to clobber them.
/// </summary>
internal sealed class Observer(NamespaceConnections connections, string etcNetnsDirectory)
{
    public HostState Observe(ObserveScope scope) => Observe(scope, out _);

    /// <summary>Observes what <paramref name="scope"/> covers; <paramref name="host"/> is the host namespace as read for it.</summary>
    public HostState Observe(ObserveScope scope, out NamespaceSnapshot host)
    {
        // Three things at once (with 1000 sandboxes each takes a few tens of milliseconds): the
        // files, which need no namespace; the sandboxes' sockets, opened on threads that step into
        // each namespace; and the host's links, read here.
        var files = Task.Factory.StartNew(() => Files(scope), TaskCreationOptions.LongRunning);
        var opening = Task.Run(() => OpenObservedNamespaces(scope));
        host = NamespaceSnapshot.Take("", connections.Host);
        var objects = new List<StateObject>();

        // Host links in scope: owned by this topology, or named by it (foreign, possibly another topology's).
        var hostNames = scope.HostLinks.ToHashSet(StringComparer.Ordinal);
        var hostReported = host.Links
            .Where(l => Ownership.OwnerOfLink(l.Alias, l.Group, scope.Owner) == scope.Owner || hostNames.Contains(l.Name))
            .ToDictionary(l => l.Index);

        var sandboxes = NamespaceSnapshot.TakeAll(opening.GetAwaiter().GetResult(), connections);
        var veths = new VethPairs(host, sandboxes) { HostReported = hostReported.ContainsKey };

        // Host: links (with sandbox veth ends folded in), addresses, owned routes, neighbours and FDB on owned links.
        var hostLinkOwner = hostReported.Values.ToDictionary(l => l.Index, l => Ownership.OwnerOfLink(l.Alias, l.Group, scope.Owner));
        foreach (var link in hostReported.Values)
        {
            if (veths.IsFoldedAway(host, link, hostReported.ContainsKey)) continue;
            objects.Add(ToLinkObject(host, link, hostLinkOwner[link.Index], host, veths));
        }
        foreach (var address in host.Addresses())
            if (hostReported.TryGetValue(address.Index, out var link) && address.Scope == 0)
                objects.Add(new AddressObject("", link.Name, address.Cidr)
                {
                    Owner = address.Protocol == Ownership.AddressProtocol ? hostLinkOwner[link.Index] : null,
                });
        foreach (var route in host.Routes(Ownership.RouteProtocol))
            objects.Add(ToRouteObject(host, route, RouteOwner(host, route, scope.Owner)));
        AddNeighboursAndFdb(objects, host, index => hostReported.TryGetValue(index, out var l) && hostLinkOwner[index] is not null,
            index => hostLinkOwner[index]);

        // Sandboxes: the namespace (owned iff its lo carries the mark) and everything in it, owned iff it is.
        foreach (var sandbox in sandboxes)
        {
            var lo = sandbox.Links.FirstOrDefault(l => l.IsLoopback);
            var owner = Ownership.OwnerFromAlias(lo?.Alias);
            objects.Add(new NamespaceObject(sandbox.Namespace) { Owner = owner, LoopbackUp = lo?.Up ?? false });

            var links = sandbox.Links.Where(l => !l.IsLoopback).ToDictionary(l => l.Index);
            foreach (var link in links.Values)
            {
                if (veths.IsFoldedAway(sandbox, link, links.ContainsKey)) continue;
                objects.Add(ToLinkObject(sandbox, link, owner, host, veths));
            }
            foreach (var address in sandbox.Addresses())
                if (links.TryGetValue(address.Index, out var link) && address.Scope == 0)
                    objects.Add(new AddressObject(sandbox.Namespace, link.Name, address.Cidr) { Owner = owner });
            foreach (var route in sandbox.Routes())
                if (route.Protocol != RouteMessages.RTPROT_KERNEL && route.Type == RouteMessages.RTN_UNICAST)
                    objects.Add(ToRouteObject(sandbox, route, owner));
            AddNeighboursAndFdb(objects, sandbox, links.ContainsKey, _ => owner);
        }

        foreach (var sysctl in scope.Sysctls)
        {
            if (sysctl.Namespace.Length > 0 && !connections.Namespaces.Exists(sysctl.Namespace)) continue;
            if (Sysctl.Read(connections.PathOf(sysctl.Namespace), sysctl.Name) is { } value)
                objects.Add(new SysctlObject(sysctl.Namespace, sysctl.Name, value));
        }

        var firewall = new FirewallTables(connections);
        foreach (var table in scope.FirewallTables.Distinct(StringComparer.Ordinal))
        {
            var slash = table.IndexOf('/');
            if (slash < 0) throw new ArgumentException($"firewall table '{table}' in the scope is not family/name");
            if (firewall.Read(table[..slash], table[(slash + 1)..]) is { } observed) objects.Add(observed);
        }

        objects.AddRange(files.GetAwaiter().GetResult());
        return new HostState(objects);
    }

    /// <summary>
    /// Each file read once: the scope's files whoever owns them, and every other sandbox file this
    /// topology owns. The content is kept whole: a rollback recreates a file from it.
    /// </summary>
    private List<FileObject> Files(ObserveScope scope)
    {
        var reader = new FileReader();
        var files = new List<FileObject>();
        var scoped = scope.Files.ToHashSet(StringComparer.Ordinal);
        foreach (var path in scope.Files.Concat(SandboxFilePaths()).Distinct(StringComparer.Ordinal))
        {
            if (reader.ReadIfExists(path) is not { } content) continue;
            var owner = Ownership.OwnerFromFile(content);
            if (scoped.Contains(path) || owner == scope.Owner)
                files.Add(new FileObject(path, content) { Owner = owner });
        }
        return files;
    }

    /// <summary>
    /// The namespaces to observe (the scope's that exist, and this topology's that it does not
    /// name), each with its connection open.
    /// </summary>
    private List<string> OpenObservedNamespaces(ObserveScope scope)
    {
        var names = scope.Namespaces.Distinct(StringComparer.Ordinal)
            .Where(connections.Namespaces.Exists)
            .Concat(OwnedNamespacesOutside(scope))
            .ToList();
        // A socket per namespace, plus a descriptor of each namespace of a batch while opening them:
        // the table grows (if it must) once here instead of doubling step by step, each growth a wait.
        DescriptorTable.Reserve(names.Count + Math.Min(names.Count, NamespaceConnections.OpenBatch));
        connections.OpenAll(names);
        return names;
    }

    /// <summary>
    /// Namespaces this topology owns that the scope does not name (a sandbox removed from the
    /// topology): without them its namespace would never be seen, so never deleted.
    /// </summary>
    private IEnumerable<string> OwnedNamespacesOutside(ObserveScope scope)
    {
        var named = scope.Namespaces.ToHashSet(StringComparer.Ordinal);
        foreach (var ns in connections.Namespaces.List())
            if (!named.Contains(ns) && Ownership.OwnerFromAlias(LoopbackAlias(ns)) == scope.Owner)
                yield return ns;
    }

    /// <summary>
    /// A namespace's mark, read through a socket that is closed again: a cached one would keep
    /// other people's namespaces alive. One that vanished since it was listed is not ours.
    /// </summary>
    private string? LoopbackAlias(string ns)
    {
        try
        {
            using var peek = RouteConnection.Open(connections.PathOf(ns));
            return peek.Link(Ownership.NamespaceMarkLink)?.Alias;
        }
        catch (KernelException e) when (e.IsNotFound || e.Errno == 22 /* EINVAL: not a namespace (any more) */)
        {
            return null;
        }
    }

    /// <summary>
    /// Every sandbox file under the per-namespace directory, whoever owns it, so that files of a
    /// sandbox removed from the topology (and so absent from the scope) are still found, shown and deleted.
    /// </summary>
    private IEnumerable<string> SandboxFilePaths()
    {
        if (!Directory.Exists(etcNetnsDirectory)) yield break;
        foreach (var dir in Directory.EnumerateDirectories(etcNetnsDirectory))
            foreach (var name in SandboxFiles.FileNames)
                yield return Path.Combine(dir, name);
    }

    private static LinkObject ToLinkObject(NamespaceSnapshot ns, LinkInfo link, string? owner, NamespaceSnapshot host, VethPairs veths)
    {
        var kind = StateForms.Kind(link.Kind);
        return new LinkObject(ns.Namespace, link.Name, kind)
        {
            Owner = owner,
            Master = link.Master != 0 ? ns.NameOf(link.Master) : null,
            Mtu = link.Mtu,
            Mac = link.Mac,
            Up = link.Up,
            Alias = link.Alias,
            Group = link.Group,
            Peer = kind == LinkKind.Veth ? veths.PeerOf(ns, link) : null,
            Vxlan = kind == LinkKind.Vxlan && link.VxlanId is { } vni
                ? new VxlanInfo(vni, link.VxlanLocal?.ToString(), link.VxlanPort ?? 0, link.VxlanLearning)
                {
                    // The underlay lives in the host namespace (a vxlan is created there or from there).
                    UnderlayLink = link.VxlanUnderlay is { } u ? host.NameOf(u) : null,
                    Ttl = link.VxlanTtl,
                    Proxy = link.VxlanProxy,
                }
                : null,
            SubInterface = kind switch
            {
                LinkKind.Macvlan when link.MacvlanMode is { } mode => new SubInterfaceInfo(ParentName(ns, link, host), SubInterfaceModes.MacvlanName(mode)),
                LinkKind.Ipvlan when link.IpvlanMode is { } mode => new SubInterfaceInfo(ParentName(ns, link, host), SubInterfaceModes.IpvlanName(mode)),
                _ => null,
            },
        };
    }

    /// <summary>A sub-interface's parent: in its own namespace, or (with a link-netnsid) in the host.</summary>
    private static string ParentName(NamespaceSnapshot ns, LinkInfo link, NamespaceSnapshot host)
    {
        if (link.Link is not { } parent) return "";
        var where = link.LinkNetnsId is null ? ns : host;
        return where.NameOf(parent) ?? $"if{parent}";
    }

    private static RouteObject ToRouteObject(NamespaceSnapshot ns, RouteInfo route, string? owner) =>
        new(ns.Namespace, route.DestinationText)
        {
            Owner = owner,
            Table = (int)route.Table,
            Gateway = route.Gateway?.ToString(),
            Device = route.OutputIndex is { } oif ? ns.NameOf(oif) : null,
            Metric = route.Metric is { } metric ? (int)metric : null,
        };

    /// <summary>
    /// A host route carries only "NetPlan made it" (rtm_protocol), not which topology: it belongs to
    /// the topology that owns its device, or to the observing topology when the device is not marked.
    /// </summary>
    private static string RouteOwner(NamespaceSnapshot host, RouteInfo route, string observer) =>
        route.OutputIndex is { } oif && host.ByIndex.TryGetValue(oif, out var device) && Ownership.OwnerFromAlias(device.Alias) is { } owner
            ? owner
            : observer;

    /// <summary>Permanent neighbours and static VXLAN FDB entries (NTF_SELF with a remote VTEP) on the links that qualify.</summary>
    private static void AddNeighboursAndFdb(List<StateObject> objects, NamespaceSnapshot ns, Func<int, bool> onLink, Func<int, string?> owner)
    {
        var candidates = ns.Links.Where(l => onLink(l.Index)).ToList();
        if (candidates.Count == 0) return;
        foreach (var n in ns.Neighbours())
            if (n.IsPermanent && n.Destination is { } ip && n.Mac is { } mac && onLink(n.Index))
                objects.Add(new NeighbourObject(ns.Namespace, ns.ByIndex[n.Index].Name, ip.ToString(), mac) { Owner = owner(n.Index) });

        // The bridge's own automatic entries (NTF_MASTER, local MACs) are not NetPlan's: only vxlan self entries with a VTEP.
        if (!candidates.Any(l => l.Kind == "vxlan")) return;
        foreach (var f in ns.Fdb())
            if (f.IsSelf && f.Destination is { } dst && f.Mac is { } mac && onLink(f.Index) && ns.ByIndex[f.Index].Kind == "vxlan")
                objects.Add(new FdbObject(ns.Namespace, ns.ByIndex[f.Index].Name, mac, dst.ToString()) { Owner = owner(f.Index) });
    }
}
