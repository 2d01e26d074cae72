using System.Net;
using System.Net.Sockets;
using NetPlan.Kernel.Addresses;
using NetPlan.Kernel.Neighbours;
using NetPlan.Kernel.Routes;
using static NetPlan.Kernel.Tests.Encoding.Captured;

namespace NetPlan.Kernel.Tests.Encoding;

// In the captures, ifindex 6 is the bridge npt-b1 and 7 the vxlan npt-vx1.
public class AddressRouteNeighbourEncodingTests
{
    private const string AddV4 = "2800000014000506d497026b000000000218000006000000080002000a0a0001080001000a0a0001";

    [Fact] // ip addr add 10.10.0.1/24 dev npt-b1 nodad (iproute2 drops NODAD for IPv4: no DAD there)
    public void Address_v4() => AssertSame(AddV4, AddressMessages.Add(6, IPAddress.Parse("10.10.0.1"), 24));

    [Fact] // ip addr add 2001:db8::1/64 dev npt-b1 nodad
    public void Address_v6_without_dad() => AssertSame(
        "4000000014000506d597026b000000000a400200060000001400020020010db80000000000000000000000011400010020010db8000000000000000000000001",
        AddressMessages.Add(6, IPAddress.Parse("2001:db8::1"), 64));

    [Fact] // iproute2 6.1 cannot send IFA_PROTO; the owner tag is the capture plus one u8 attribute {len 5, type 11, 0x9e}.
    public void Address_with_owner_protocol_appends_IFA_PROTO()
    {
        var withProto = "3000000014000506d497026b000000000218000006000000080002000a0a0001080001000a0a000105000b009e000000";
        AssertSame(withProto, AddressMessages.Add(6, IPAddress.Parse("10.10.0.1"), 24, protocol: 0x9e));
        Assert.StartsWith(AddV4[8..], withProto[8..][..(AddV4.Length - 8)]);
    }

    [Fact] // ip addr del 10.10.0.1/24 dev npt-b1
    public void Address_delete() => AssertSame(
        "2800000015000500d697026b000000000218000006000000080002000a0a0001080001000a0a0001",
        AddressMessages.Delete(6, IPAddress.Parse("10.10.0.1"), 24));

    [Fact] // ip route add 10.20.0.0/16 via 10.10.0.2 dev npt-b1 proto 158 metric 100
    public void Route() => AssertSame(
        "3c00000018000506d797026b0000000002100000fe9e000100000000080001000a140000080005000a0a000208000600640000000800040006000000",
        RouteMessages.Add(Spec()));

    [Fact] // ip route add default via 10.10.0.2 proto 158
    public void Default_route() => AssertSame(
        "2400000018000506d897026b0000000002000000fe9e000100000000080005000a0a0002",
        RouteMessages.Add(new RouteSpec(AddressFamily.InterNetwork, null, 0) { Gateway = IPAddress.Parse("10.10.0.2"), Protocol = 158 }));

    [Fact] // ip route del 10.20.0.0/16 via 10.10.0.2 dev npt-b1 proto 158 metric 100
    public void Route_delete() => AssertSame(
        "3c00000019000500d897026b0000000002100000fe9eff0000000000080001000a140000080005000a0a000208000600640000000800040006000000",
        RouteMessages.Delete(Spec()));

    [Fact] // ip neigh replace 10.10.0.20 lladdr 02:42:0a:0a:00:14 dev npt-b1 nud permanent
    public void Permanent_neighbour() => AssertSame(
        "300000001c000505da97026b00000000020000000600000080000000080001000a0a00140a00020002420a0a00140000",
        NeighbourMessages.ReplacePermanent(6, IPAddress.Parse("10.10.0.20"), "02:42:0a:0a:00:14"));

    [Fact] // ip neigh del 10.10.0.20 dev npt-b1
    public void Neighbour_delete() => AssertSame(
        "240000001d000500db97026b00000000020000000600000080000000080001000a0a0014",
        NeighbourMessages.Delete(6, IPAddress.Parse("10.10.0.20")));

    [Fact] // bridge fdb append 00:00:00:00:00:00 dev npt-vx1 dst 198.51.100.2 self permanent
    public void Fdb_flood_entry() => AssertSame(
        "300000001c00050cdc97026b000000000700000007000000c00002000a000200000000000000000008000100c6336402",
        NeighbourMessages.AppendFdb(7, "00:00:00:00:00:00", IPAddress.Parse("198.51.100.2")));

    [Fact] // bridge fdb append 02:42:0a:0a:00:14 dev npt-vx1 dst 198.51.100.3 self permanent
    public void Fdb_entry() => AssertSame(
        "300000001c00050cdd97026b000000000700000007000000c00002000a00020002420a0a0014000008000100c6336403",
        NeighbourMessages.AppendFdb(7, "02:42:0a:0a:00:14", IPAddress.Parse("198.51.100.3")));

    [Fact] // bridge fdb del 00:00:00:00:00:00 dev npt-vx1 dst 198.51.100.2 self
    public void Fdb_delete() => AssertSame(
        "300000001d000500de97026b000000000700000007000000c00002000a000200000000000000000008000100c6336402",
        NeighbourMessages.DeleteFdb(7, "00:00:00:00:00:00", IPAddress.Parse("198.51.100.2")));

    private static RouteSpec Spec() => new(AddressFamily.InterNetwork, IPAddress.Parse("10.20.0.0"), 16)
    {
        Gateway = IPAddress.Parse("10.10.0.2"), OutputIndex = 6, Metric = 100, Protocol = 158,
    };
}
