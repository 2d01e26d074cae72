using NetPlan.Kernel.Links;
using NetPlan.Kernel.Namespaces;
using NetPlan.Kernel.Netlink;
using NetPlan.Tests;

namespace NetPlan.Kernel.Tests.Namespaces;

/// <summary>
/// Issue 8: a namespace becomes visible under its name only once it is complete, and what a crash
/// between `ip netns add`'s two steps leaves (an empty file) is not mistaken for a namespace.
/// </summary>
public class NamespaceCrashSafetyTests
{
    private static string NewName() => "nptest-" + Guid.NewGuid().ToString("N")[..10];

    [SkippableFact]
    public void What_runs_before_publishing_happens_while_the_namespace_has_no_name_and_is_there_once_it_has()
    {
        Privileged.Require();
        var store = new NamedNamespaces();
        var name = NewName();
        try
        {
            bool visibleDuring = true;
            using (store.AddAndOpen(name, NetlinkSocket.NETLINK_ROUTE, socket =>
            {
                visibleDuring = File.Exists(store.PathOf(name)) || store.Exists(name);
                new RouteConnection(socket).SetLink("lo", new LinkChange { Alias = "netplan:crash-test", Up = true }, "marking lo");
            }))
            {
            }

            Assert.False(visibleDuring, "the namespace had its name before it was marked");
            Assert.True(store.Exists(name));
            Assert.Contains("netplan:crash-test", ThrowawayNamespace.Run("ip", "-n", name, "-d", "link", "show", "lo"));
        }
        finally
        {
            ThrowawayNamespace.TryRun("ip", "netns", "del", name);
        }
    }

    [SkippableFact]
    public void A_failure_before_publishing_leaves_no_namespace_and_no_file()
    {
        Privileged.Require();
        var store = new NamedNamespaces();
        var name = NewName();
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() =>
                store.AddAndOpen(name, NetlinkSocket.NETLINK_ROUTE, _ => throw new InvalidOperationException("interrupted")));
            Assert.Equal("interrupted", error.Message);
            Assert.False(File.Exists(store.PathOf(name)));
        }
        finally
        {
            ThrowawayNamespace.TryRun("ip", "netns", "del", name);
        }
    }

    [SkippableFact]
    public void An_empty_file_left_by_a_crash_is_no_namespace_and_is_reused_by_the_next_add()
    {
        Privileged.Require();
        var store = new NamedNamespaces();
        var name = NewName();
        var path = store.PathOf(name);
        try
        {
            Directory.CreateDirectory(store.Directory);
            File.WriteAllBytes(path, []); // what a kill between creat(2) and mount(2) leaves

            Assert.False(store.Exists(name));
            Assert.DoesNotContain(name, store.List());

            using (store.AddAndOpen(name, NetlinkSocket.NETLINK_ROUTE)) { }
            Assert.True(store.Exists(name));
            Assert.Contains(": lo:", ThrowawayNamespace.Run("ip", "netns", "exec", name, "ip", "-o", "link"));
        }
        finally
        {
            ThrowawayNamespace.TryRun("ip", "netns", "del", name);
            if (File.Exists(path)) File.Delete(path);
        }
    }

    [SkippableFact]
    public void Adding_over_a_real_namespace_fails_and_leaves_it_alone()
    {
        Privileged.Require();
        var store = new NamedNamespaces();
        var name = NewName();
        try
        {
            ThrowawayNamespace.Run("ip", "netns", "add", name);
            ThrowawayNamespace.Run("ip", "-n", name, "link", "add", "npt-keep", "type", "bridge");

            var error = Assert.Throws<KernelException>(() => store.Add(name));
            Assert.Equal(17, error.Errno); // EEXIST
            Assert.Contains("npt-keep", ThrowawayNamespace.Run("ip", "-n", name, "-o", "link"));
        }
        finally
        {
            ThrowawayNamespace.TryRun("ip", "netns", "del", name);
        }
    }
}
