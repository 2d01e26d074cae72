using NetPlan.Kernel;
using NetPlan.Kernel.Netlink;
using NetPlan.Tests;

namespace NetPlan.Kernel.Tests.Netlink;

public class NetlinkSocketTests
{
    private const ushort RTM_NEWLINK = 16, RTM_GETLINK = 18, IFLA_IFNAME = 3, IFLA_LINKINFO = 18, IFLA_INFO_KIND = 1;

    [SkippableFact]
    public void Dump_in_a_namespace_sees_only_that_namespace()
    {
        Privileged.Require();
        using var ns = new ThrowawayNamespace();
        ThrowawayNamespace.Run("ip", "-n", ns.Name, "link", "add", "npt-br0", "type", "bridge");
        using var socket = NetlinkSocket.OpenIn(ns.Path, NetlinkSocket.NETLINK_ROUTE);

        var replies = socket.Dump(new MessageWriter(RTM_GETLINK, Nl.F_REQUEST | Nl.F_DUMP).Fixed(new byte[16]), "listing links");

        var names = replies.Where(r => r.Type == RTM_NEWLINK)
            .Select(r => AttributeValue.String(r.Attributes(16).ToDictionary()[IFLA_IFNAME]))
            .Order().ToArray();
        Assert.Equal(["lo", "npt-br0"], names);
    }

    [SkippableFact]
    public void A_refused_request_carries_the_operation_errno_text_and_kernel_message()
    {
        Privileged.Require();
        using var ns = new ThrowawayNamespace();
        using var socket = NetlinkSocket.OpenIn(ns.Path, NetlinkSocket.NETLINK_ROUTE);
        var create = () => new MessageWriter(RTM_NEWLINK, Nl.F_REQUEST | Nl.F_ACK | Nl.F_CREATE | Nl.F_EXCL)
            .Fixed(new byte[16])
            .String(IFLA_IFNAME, "npt-br1")
            .BeginNested(IFLA_LINKINFO).String(IFLA_INFO_KIND, "bridge").EndNested();

        socket.Request(create(), "creating bridge npt-br1");
        var error = Assert.Throws<KernelException>(() => socket.Request(create(), "creating bridge npt-br1"));

        Assert.True(error.IsExists);
        Assert.StartsWith("creating bridge npt-br1: File exists", error.Message);
        Assert.Contains("npt-br1", ns.Exec("ip", "-br", "link"));
    }

    [SkippableFact]
    public void Kernel_extended_ack_text_is_surfaced()
    {
        Privileged.Require();
        using var ns = new ThrowawayNamespace();
        using var socket = NetlinkSocket.OpenIn(ns.Path, NetlinkSocket.NETLINK_ROUTE);
        // A vxlan without a VNI: the kernel explains itself through extended ack.
        var message = new MessageWriter(RTM_NEWLINK, Nl.F_REQUEST | Nl.F_ACK | Nl.F_CREATE | Nl.F_EXCL)
            .Fixed(new byte[16])
            .String(IFLA_IFNAME, "npt-vx0")
            .BeginNested(IFLA_LINKINFO).String(IFLA_INFO_KIND, "vxlan").EndNested();

        var error = Assert.Throws<KernelException>(() => socket.Request(message, "creating vxlan npt-vx0"));

        Assert.False(string.IsNullOrEmpty(error.KernelMessage));
        Assert.Contains("(kernel: ", error.Message);
    }
}
