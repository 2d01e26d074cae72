using NetPlan.Agent.Observe;
using NetPlan.Core.State;
using NetPlan.Kernel;
using NetPlan.Kernel.Links;
using NetPlan.Kernel.Namespaces;

namespace NetPlan.Agent.Apply;

/// <summary>Creates, changes and deletes links, each with as few requests as the kernel allows.</summary>
internal sealed class LinkApplier(NamespaceConnections connections)
{
    private readonly Ipv6Off _ipv6 = new(connections);

    /// <summary>
    /// One NEWLINK carries name, kind data, MTU, MAC, group, master and "up" (and a veth's peer,
    /// created directly in its namespace). The kernel ignores an alias at creation, so aliases
    /// follow in one SETLINK per end, addressed by name. Links whose parent or underlay is in the
    /// host but which live in a sandbox (macvlan, ipvlan, vxlan) are created from the host
    /// straight into the sandbox (IFLA_NET_NS_FD), then enslaved and brought up there.
    /// </summary>
    public void Create(LinkObject link)
    {
        var target = connections.For(link.Namespace);
        var fromHost = link.Namespace.Length > 0 && (link.SubInterface is not null || link.Vxlan?.UnderlayLink is not null);
        var creator = fromHost ? connections.Host : target;
        var creatorNs = fromHost ? "" : link.Namespace;
        using var targetFd = fromHost ? connections.OpenFd(link.Namespace) : null;
        using var peerFd = link.Peer is { } p && p.Namespace != creatorNs ? connections.OpenFd(p.Namespace) : null;

        var master = link.Master is { } m ? target.IndexOf(m, $"creating {Describe(link)}: master") : (int?)null;
        var request = new NewLink(link.Name, StateForms.KernelKind(link.Kind))
        {
            Mtu = link.Mtu,
            Mac = link.Mac,
            Group = link.Group != 0 ? link.Group : null,
            Master = fromHost ? null : master,
            Up = link.Up && !fromHost,
            NetnsFd = targetFd is null ? null : (int)targetFd.DangerousGetHandle(),
            Parent = link.SubInterface is { } sub ? connections.Host.IndexOf(sub.Parent, $"creating {Describe(link)}: parent") : null,
            Data = Data(link, peerFd, u => connections.Host.IndexOf(u, $"creating {Describe(link)}: underlay")),
        };
        creator.CreateLink(request, $"creating {Describe(link)}");
        try
        {
            FinishCreate(link, target, fromHost, master);
        }
        catch
        {
            // The link exists but is not finished (no ownership mark yet): it is ours, and it goes,
            // so a failed create leaves nothing behind — and nothing unmarked that looks foreign.
            try { target.DeleteLink(link.Name, $"removing the half-created {Describe(link)}"); }
            catch (KernelException) { }
            throw;
        }
    }

    private void FinishCreate(LinkObject link, RouteConnection target, bool fromHost, int? master)
    {
        if (link.Namespace.Length == 0) _ipv6.OnHostLink(link.Name);
        if (link.Peer is { Namespace.Length: 0 } hostPeer) _ipv6.OnHostLink(hostPeer.Name);
        var followUp = new LinkChange
        {
            Alias = link.Alias,
            Master = fromHost ? master : null,
            Up = fromHost && link.Up ? true : null,
        };
        if (!followUp.IsEmpty) target.SetLink(link.Name, followUp, $"creating {Describe(link)}: setting {Attributes(followUp)}");
        // The peer cannot be created "up" (ENOTCONN) and its alias is ignored at creation: one SETLINK in its namespace.
        if (link.Peer is { } peer && (peer.Up || peer.Alias is not null))
            connections.For(peer.Namespace).SetLink(peer.Name, new LinkChange { Alias = peer.Alias, Up = peer.Up ? true : null },
                $"creating {Describe(link)}: setting up its peer {Where(peer.Namespace)}/{peer.Name}");
    }

    public void Update(LinkObject before, LinkObject after)
    {
        if (before.Kind != after.Kind || before.Vxlan != after.Vxlan || before.SubInterface != after.SubInterface
            || before.Peer?.Name != after.Peer?.Name || before.Peer?.Namespace != after.Peer?.Namespace)
            throw new ArgumentException("kind, vxlan settings, parent/mode and the veth peer's name or namespace cannot change in place (plan a replace)");

        var target = connections.For(after.Namespace);
        var change = new LinkChange
        {
            Mtu = after.Mtu != before.Mtu ? after.Mtu : null,
            Mac = after.Mac != before.Mac ? after.Mac : null,
            Group = after.Group != before.Group ? after.Group : null,
            Alias = after.Alias != before.Alias ? after.Alias ?? "" : null,
            Master = after.Master != before.Master
                ? after.Master is { } m ? target.IndexOf(m, $"updating {Describe(after)}: master") : 0
                : null,
            Up = after.Up != before.Up ? after.Up : null,
        };
        if (!change.IsEmpty) target.SetLink(after.Name, change, $"updating {Describe(after)} ({Attributes(change)})");

        if (after.Peer is { } peer && before.Peer is { } old && peer != old)
        {
            var peerChange = new LinkChange
            {
                Mtu = peer.Mtu != old.Mtu ? peer.Mtu : null,
                Mac = peer.Mac != old.Mac ? peer.Mac : null,
                Alias = peer.Alias != old.Alias ? peer.Alias ?? "" : null,
                Up = peer.Up != old.Up ? peer.Up : null,
            };
            connections.For(peer.Namespace).SetLink(peer.Name, peerChange,
                $"updating the peer {peer.Namespace}/{peer.Name} of {Describe(after)} ({Attributes(peerChange)})");
        }
    }

    /// <summary>Deleting one veth end removes both.</summary>
    public void Delete(LinkObject link) =>
        connections.For(link.Namespace).DeleteLink(link.Name, $"deleting {Describe(link)}");

    /// <summary>
    /// Deletes a run of links with one `ip link del group N` — only when the group holds exactly
    /// those links and every one carries the owner's mark, so a foreign link that happens to share
    /// the group number is never touched. Returns false to have the caller delete one by one.
    /// </summary>
    public bool TryDeleteGroup(GroupDeletion run)
    {
        var connection = connections.For(run.Namespace);
        var owner = run.Links[0].Owner;
        if (owner is null || run.Links.Any(l => l.Owner != owner)) return false;
        var members = connection.Links().Where(l => l.Group == run.Group).ToList();
        var wanted = run.Links.Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        if (members.Count != wanted.Count || !members.All(l => wanted.Contains(l.Name) && Ownership.OwnerFromAlias(l.Alias) == owner))
            return false;
        connection.DeleteLinkGroup(run.Group, $"deleting {run.Count} links of group {run.Group} in {Where(run.Namespace)}");
        return true;
    }

    private static LinkData? Data(LinkObject link, Microsoft.Win32.SafeHandles.SafeFileHandle? peerFd, Func<string, int> underlay) => link.Kind switch
    {
        LinkKind.Veth when link.Peer is { } p => new VethData(new VethPeerSpec(p.Name)
        {
            Mtu = p.Mtu,
            Mac = p.Mac,
            NetnsFd = peerFd is null ? null : (int)peerFd.DangerousGetHandle(),
        }),
        LinkKind.Veth => throw new ArgumentException($"veth {link.Name} has no peer"),
        LinkKind.Vxlan when link.Vxlan is { } vx => new VxlanData(vx.Vni, (ushort)vx.Port)
        {
            Local = vx.Local is null ? null : StateForms.ParseAddress(vx.Local),
            Underlay = vx.UnderlayLink is { } u ? underlay(u) : null,
            Learning = vx.Learning,
            Ttl = vx.Ttl is { } ttl ? (byte)ttl : null,
            Proxy = vx.Proxy,
        },
        LinkKind.Vxlan => throw new ArgumentException($"vxlan {link.Name} has no VNI"),
        LinkKind.Macvlan => new MacvlanData(link.SubInterface?.Mode ?? throw new ArgumentException($"macvlan {link.Name} has no parent")),
        LinkKind.Ipvlan => new IpvlanData(link.SubInterface?.Mode ?? throw new ArgumentException($"ipvlan {link.Name} has no parent")),
        _ => null,
    };

    internal static string Describe(LinkObject link)
    {
        var kind = StateForms.KernelKind(link.Kind);
        var where = link.Namespace.Length == 0 ? "" : $"{link.Namespace}/";
        var detail = link.Vxlan is { } vx ? $" (vni {vx.Vni})" : link.Peer is { } p ? $" (peer {Where(p.Namespace)}/{p.Name})" : "";
        return $"{kind} {where}{link.Name}{detail}";
    }

    private static string Where(string ns) => ns.Length == 0 ? "host" : ns;

    private static string Attributes(LinkChange c) => string.Join(", ", new[]
    {
        c.Mtu is { } mtu ? $"mtu {mtu}" : null,
        c.Mac is { } mac ? $"mac {mac}" : null,
        c.Group is { } g ? $"group {g}" : null,
        c.Alias is { } a ? $"alias '{a}'" : null,
        c.Master is { } m ? (m == 0 ? "nomaster" : "master") : null,
        c.Up is { } up ? (up ? "up" : "down") : null,
    }.OfType<string>());
}
