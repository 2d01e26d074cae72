using System.Text;
using NetPlan.Kernel.Links;
using NetPlan.Kernel.Namespaces;
using NetPlan.Kernel.Netlink;
using NetPlan.Tests;

namespace NetPlan.Kernel.Tests.Namespaces;

public class NamespaceConnectionsTests
{
    [SkippableFact]
    public void One_connection_per_namespace_is_reused_and_sees_only_that_namespace()
    {
        Privileged.Require();
        using var host = new ThrowawayNamespace();
        using var sandbox = new ThrowawayNamespace();
        host.Exec("ip", "link", "add", "npt-hostbr", "type", "bridge");
        using var connections = new NamespaceConnections(new NamedNamespaces(), host.Path);

        Assert.Same(connections.Host, connections.For(""));
        Assert.Same(connections.For(sandbox.Name), connections.For(sandbox.Name));
        Assert.NotNull(connections.Host.Link("npt-hostbr"));
        Assert.Null(connections.For(sandbox.Name).Link("npt-hostbr"));
    }

    [SkippableFact]
    public void OpenAll_opens_and_caches_one_connection_per_namespace_each_seeing_only_its_own()
    {
        Privileged.Require();
        using var host = new ThrowawayNamespace();
        var sandboxes = Enumerable.Range(0, 3).Select(_ => new ThrowawayNamespace()).ToList();
        try
        {
            for (var i = 0; i < sandboxes.Count; i++) sandboxes[i].Exec("ip", "link", "add", $"npt-own{i}", "type", "bridge");
            using var connections = new NamespaceConnections(new NamedNamespaces(), host.Path);
            var early = connections.For(sandboxes[0].Name);

            connections.OpenAll(sandboxes.Select(s => s.Name));

            Assert.Same(early, connections.For(sandboxes[0].Name)); // an open connection is kept
            for (var i = 0; i < sandboxes.Count; i++)
            {
                var names = connections.For(sandboxes[i].Name).Links().Select(l => l.Name).ToList();
                Assert.Equal(["lo", $"npt-own{i}"], names.Order().ToArray());
            }
        }
        finally
        {
            foreach (var sandbox in sandboxes) sandbox.Dispose();
        }
    }

    [SkippableFact]
    public void OpenAll_names_a_namespace_that_does_not_exist()
    {
        Privileged.Require();
        using var sandbox = new ThrowawayNamespace();
        using var connections = new NamespaceConnections(new NamedNamespaces());
        var missing = "nptest-" + Guid.NewGuid().ToString("N")[..10];

        var e = Assert.Throws<KernelException>(() => connections.OpenAll([sandbox.Name, missing]));

        Assert.Contains(missing, e.Message);
        Assert.Equal(2, e.Errno);
    }

    [SkippableFact]
    public void A_link_moves_to_another_namespace_and_its_peer_is_found_through_the_namespace_id()
    {
        Privileged.Require();
        using var host = new ThrowawayNamespace();
        using var sandbox = new ThrowawayNamespace();
        using var connections = new NamespaceConnections(new NamedNamespaces(), host.Path);
        connections.Host.CreateLink(new NewLink("npt-m0", "veth") { Data = new VethData(new VethPeerSpec("npt-m1")) }, "creating veth npt-m0");

        using (var fd = connections.OpenFd(sandbox.Name))
        {
            connections.Host.SetLink("npt-m1", new LinkChange { NetnsFd = (int)fd.DangerousGetHandle() }, "moving npt-m1");
            var near = connections.Host.Link("npt-m0")!;
            var far = connections.For(sandbox.Name).Link("npt-m1")!;
            Assert.Equal(far.Index, near.Link);
            Assert.Equal(connections.Host.NetnsId((int)fd.DangerousGetHandle()), near.LinkNetnsId);
        }
        Assert.Contains("npt-m1", sandbox.Exec("ip", "-o", "link"));
        Assert.DoesNotContain("npt-m1", host.Exec("ip", "-o", "link"));
    }

    [SkippableFact]
    public void Dumps_filtered_by_kind_in_the_kernel_return_only_that_kind()
    {
        Privileged.Require();
        using var host = new ThrowawayNamespace();
        host.Exec("ip", "link", "add", "npt-k0", "type", "bridge");
        host.Exec("ip", "link", "add", "npt-k1", "type", "veth", "peer", "name", "npt-k2");
        using var connection = RouteConnection.Open(host.Path);

        Assert.Equal(["npt-k0"], connection.LinksOfKind("bridge").Select(l => l.Name).ToArray());
        Assert.Equal(["npt-k1", "npt-k2"], connection.LinksOfKind("veth").Select(l => l.Name).Order().ToArray());
    }

    [SkippableFact]
    public void The_netfilter_socket_is_opened_in_the_namespace_it_serves()
    {
        Privileged.Require();
        using var host = new ThrowawayNamespace();
        host.Exec("nft", "add", "table", "inet", "nptest_probe");
        using var connections = new NamespaceConnections(new NamedNamespaces(), host.Path);
        const ushort NFT_MSG_GETTABLE = (10 << 8) | 1, NFTA_TABLE_NAME = 1;

        var socket = connections.Netfilter("");
        var tables = socket.Dump(new MessageWriter(NFT_MSG_GETTABLE, Nl.F_REQUEST | Nl.F_DUMP).Fixed(new byte[4]), "listing nftables tables")
            .Select(m => m.Attributes(4).ToDictionary().TryGetValue(NFTA_TABLE_NAME, out var name) ? AttributeValue.String(name) : null)
            .ToList();

        Assert.Same(socket, connections.Netfilter(""));
        Assert.Equal(["nptest_probe"], tables);
    }
}

public class NamespaceWindowTests
{
    /// <summary>
    /// Regression: the runtime once started its background GC thread from inside a namespace
    /// switch, and that thread kept a deleted sandbox (and its veth pair) alive for two minutes.
    /// Only the short-lived "netns" threads may ever be outside the process's namespace.
    /// </summary>
    [SkippableFact]
    public void No_runtime_thread_is_left_in_a_sandbox_namespace()
    {
        Privileged.Require();
        var names = Enumerable.Range(0, 40).Select(_ => "nptest-" + Guid.NewGuid().ToString("N")[..10]).ToList();
        using var connections = new NamespaceConnections(new NamedNamespaces());
        try
        {
            foreach (var name in names)
            {
                connections.Create(name);
                Sysctl.Read(connections.PathOf(name), "net.ipv4.ip_forward");
                var garbage = new byte[64 * 1024]; // allocation pressure on this thread, GCs along the way
                GC.KeepAlive(garbage);
            }
            // Stepping through many namespaces on one thread (observation) leaves nothing behind either.
            using (var others = new NamespaceConnections(new NamedNamespaces()))
                others.OpenAll(names);
            GC.Collect();

            var home = new FileInfo("/proc/self/ns/net").LinkTarget;
            var strays = Directory.GetDirectories("/proc/self/task")
                .Select(t => (Comm: TryRead(t + "/comm"), Ns: new FileInfo(t + "/ns/net").LinkTarget))
                .Where(t => t.Ns != home && t.Comm != "netns" && t.Comm is not null)
                .ToList();
            Assert.Empty(strays);
        }
        finally
        {
            foreach (var name in names) ThrowawayNamespace.TryRun("ip", "netns", "del", name);
        }
    }

    private static string? TryRead(string path)
    {
        try { return File.ReadAllText(path).Trim(); }
        catch (IOException) { return null; }
    }
}
