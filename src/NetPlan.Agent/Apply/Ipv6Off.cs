using NetPlan.Kernel;
using NetPlan.Kernel.Namespaces;

namespace NetPlan.Agent.Apply;

/// <summary>
/// NetPlan's networks are IPv4-only, so IPv6 is off on the links it makes (as Docker does on
/// networks without IPv6): no link-local addresses, no duplicate address detection, no router
/// solicitations and no SLAAC from a LAN's router adverts on a macvlan. Left on, 1000 sandboxes'
/// 2000 links kept the kernel busy for seconds after an apply, and again at every router
/// solicitation. A sandbox namespace gets it off for every link made in it later (its loopback
/// keeps ::1); a link made in the host gets it off itself. A kernel without IPv6 has nothing to turn off.
/// </summary>
internal sealed class Ipv6Off(NamespaceConnections connections)
{
    /// <summary>For every link created in <paramref name="ns"/> from now on.</summary>
    public void ForNewLinksIn(string ns) => Write(ns, "net.ipv6.conf.default.disable_ipv6");

    /// <summary>For the host link <paramref name="name"/> (sandbox links have it from their namespace).</summary>
    public void OnHostLink(string name) => Write("", $"net.ipv6.conf.{name}.disable_ipv6");

    private void Write(string ns, string sysctl)
    {
        try
        {
            Sysctl.Write(connections.PathOf(ns), sysctl, "1");
        }
        catch (KernelException e) when (e.Errno == 2 /* ENOENT: no IPv6 in this kernel */)
        {
        }
    }
}
