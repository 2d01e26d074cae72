using NetPlan.Kernel.Namespaces;
using NetPlan.Tests;

namespace NetPlan.Kernel.Tests.Namespaces;

public class NamedNamespacesTests
{
    private static string NewName() => "nptest-" + Guid.NewGuid().ToString("N")[..10];

    [SkippableFact]
    public void A_namespace_we_add_is_one_ip_netns_can_use_and_delete()
    {
        Privileged.Require();
        var store = new NamedNamespaces();
        var name = NewName();
        try
        {
            store.Add(name);

            Assert.True(store.Exists(name));
            Assert.Contains(name, ThrowawayNamespace.Run("ip", "netns", "list"));
            // It is a namespace of its own: only lo inside, not the caller's links.
            var links = ThrowawayNamespace.Run("ip", "netns", "exec", name, "ip", "-o", "link");
            Assert.Single(links.Trim().Split('\n'));
            Assert.Contains(": lo:", links);

            ThrowawayNamespace.Run("ip", "netns", "del", name);
            Assert.False(store.Exists(name));
        }
        finally
        {
            ThrowawayNamespace.TryRun("ip", "netns", "del", name);
        }
    }

    [SkippableFact]
    public void A_namespace_ip_netns_adds_is_one_we_can_enter_and_delete()
    {
        Privileged.Require();
        var store = new NamedNamespaces();
        var name = NewName();
        try
        {
            ThrowawayNamespace.Run("ip", "netns", "add", name);
            ThrowawayNamespace.Run("ip", "-n", name, "link", "add", "npt-br9", "type", "bridge");
            using (var connection = RouteConnection.Open(store.PathOf(name)))
                Assert.NotNull(connection.Link("npt-br9"));

            store.Delete(name);

            Assert.DoesNotContain(name, ThrowawayNamespace.Run("ip", "netns", "list"));
            Assert.False(File.Exists("/run/netns/" + name));
        }
        finally
        {
            ThrowawayNamespace.TryRun("ip", "netns", "del", name);
        }
    }

    [SkippableFact]
    public void Adding_a_taken_name_fails_readably_and_leaves_the_existing_namespace_alone()
    {
        Privileged.Require();
        using var existing = new ThrowawayNamespace();
        ThrowawayNamespace.Run("ip", "-n", existing.Name, "link", "add", "npt-keep", "type", "bridge");

        var error = Assert.Throws<KernelException>(() => new NamedNamespaces().Add(existing.Name));

        Assert.Equal($"creating network namespace {existing.Name}: File exists", error.Message);
        Assert.Contains("npt-keep", existing.Exec("ip", "-o", "link"));
    }

    [SkippableFact]
    public void A_private_directory_is_made_a_shared_mount_point_and_holds_real_namespaces()
    {
        Privileged.Require();
        var directory = "/run/" + NewName() + "-dir";
        var store = new NamedNamespaces(directory);
        try
        {
            store.Add("web");

            Assert.Equal(["web"], store.List());
            Assert.Contains($" {directory} ", File.ReadAllText("/proc/self/mountinfo")); // bound onto itself
            // A namespace of its own, usable by anyone who opens the file.
            var links = ThrowawayNamespace.Run("nsenter", "--net=" + store.PathOf("web"), "ip", "-o", "link");
            Assert.Single(links.Trim().Split('\n'));
            Assert.DoesNotContain("web", ThrowawayNamespace.Run("ip", "netns", "list").Split('\n')); // not in /run/netns

            store.Delete("web");
            Assert.Empty(store.List());
        }
        finally
        {
            if (File.Exists(Path.Combine(directory, "web"))) { ThrowawayNamespace.TryRun("umount", "-l", Path.Combine(directory, "web")); }
            ThrowawayNamespace.TryRun("umount", "-l", directory);
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("a/b")]
    public void Names_that_are_not_one_path_component_are_refused(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => new NamedNamespaces().PathOf(name));
        Assert.Contains("is not a valid network namespace name", e.Message);
    }

    [SkippableFact]
    public void Sysctls_are_read_and_written_inside_the_namespace_only()
    {
        Privileged.Require();
        using var ns = new ThrowawayNamespace();
        var before = File.ReadAllText("/proc/sys/net/ipv4/ip_forward").Trim();
        var target = before == "1" ? "0" : "1";

        Sysctl.Write(ns.Path, "net.ipv4.ip_forward", target);

        Assert.Equal(target, Sysctl.Read(ns.Path, "net.ipv4.ip_forward"));
        Assert.Equal($"net.ipv4.ip_forward = {target}", ns.Exec("sysctl", "net.ipv4.ip_forward").Trim());
        Assert.Equal(before, File.ReadAllText("/proc/sys/net/ipv4/ip_forward").Trim()); // the caller's namespace is untouched
        Assert.Null(Sysctl.Read(ns.Path, "net.ipv4.no_such_setting"));
        Assert.Throws<ArgumentException>(() => Sysctl.PathOf("net/../../etc"));
    }
}
