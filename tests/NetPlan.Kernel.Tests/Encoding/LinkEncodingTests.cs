using System.Net;
using NetPlan.Kernel.Links;
using static NetPlan.Kernel.Tests.Encoding.Captured;

namespace NetPlan.Kernel.Tests.Encoding;

// In the captures, ifindex 2 is npt-br0, 3 (or 4) npt-v0, and fd 4 the target namespace's file.
public class LinkEncodingTests
{
    [Fact] // ip link add npt-br0 type bridge
    public void Bridge() => AssertSame(
        "3c00000010000506cc97026b00000000000000000000000000000000000000000c0003006e70742d62723000100012000a0001006272696467650000",
        LinkMessages.Create(new NewLink("npt-br0", "bridge")));

    [Fact] // ip link add npt-d0 type dummy
    public void Dummy() => AssertSame(
        "3c00000010000506d197026b00000000000000000000000000000000000000000b0003006e70742d64300000100012000900010064756d6d79000000",
        LinkMessages.Create(new NewLink("npt-d0", "dummy")));

    [Fact] // ip link add npt-v0 type veth peer name npt-v1 netns nptest-capk2
    public void Veth_with_peer_created_in_another_namespace() => AssertSame(
        "6400000010000506cd97026b00000000000000000000000000000000000000000b0003006e70742d763000003800120008000100766574682c000200280001000000000000000000000000000000000008001c00040000000b0003006e70742d76310000",
        LinkMessages.Create(new NewLink("npt-v0", "veth") { Data = new VethData(new VethPeerSpec("npt-v1") { NetnsFd = 4 }) }));

    [Fact] // ip link add name npt-v0 mtu 1400 address 02:42:0a:0a:00:01 group 4097 alias netplan:t1 master npt-br0 up
           //   type veth peer name npt-v1 mtu 1400 address 02:42:0a:0a:00:0a alias netplan:t1 netns nptest-capk2
    public void Veth_with_every_attribute() => AssertSame(
        "bc00000010000506f797026b000000000000000000000000010000000100000008000400780500000a00010002420a0a0001000008001b00011000000e0014006e6574706c616e3a7431000008000a00020000000b0003006e70742d763000005c0012000800010076657468500002004c0001000000000000000000000000000000000008000400780500000a00010002420a0a000a00000e0014006e6574706c616e3a7431000008001c00040000000b0003006e70742d76310000",
        LinkMessages.Create(new NewLink("npt-v0", "veth")
        {
            Mtu = 1400, Mac = "02:42:0a:0a:00:01", Group = 4097, Alias = "netplan:t1", Master = 2, Up = true,
            Data = new VethData(new VethPeerSpec("npt-v1") { Mtu = 1400, Mac = "02:42:0a:0a:00:0a", Alias = "netplan:t1", NetnsFd = 4 }),
        }));

    [Fact] // ip link add npt-vx0 type vxlan id 4097 local 192.0.2.1 dstport 4789 nolearning ttl 64 dev npt-v0 proxy
    public void Vxlan() => AssertSame(
        "7800000010000506cd97026b00000000000000000000000000000000000000000c0003006e70742d767830004c0012000900010076786c616e0000003c0002000500050040000000080003000300000005000b0001000000080001000110000008000400c0000201050007000000000006000f0012b50000",
        LinkMessages.Create(new NewLink("npt-vx0", "vxlan")
        {
            Data = new VxlanData(4097, 4789) { Local = IPAddress.Parse("192.0.2.1"), Learning = false, Ttl = 64, Underlay = 3, Proxy = true },
        }));

    [Fact] // ip link add name npt-vx0 mtu 1450 group 4097 alias netplan:t1 master npt-br0 up type vxlan id 4097 local 192.0.2.1 dstport 4789 nolearning ttl 64 dev npt-v0 proxy
    public void Vxlan_enslaved_and_up() => AssertSame(
        "a000000010000506f797026b000000000000000000000000010000000100000008000400aa05000008001b00011000000e0014006e6574706c616e3a7431000008000a00020000000c0003006e70742d767830004c0012000900010076786c616e0000003c0002000500050040000000080003000300000005000b0001000000080001000110000008000400c0000201050007000000000006000f0012b50000",
        LinkMessages.Create(new NewLink("npt-vx0", "vxlan")
        {
            Mtu = 1450, Group = 4097, Alias = "netplan:t1", Master = 2, Up = true,
            Data = new VxlanData(4097, 4789) { Local = IPAddress.Parse("192.0.2.1"), Learning = false, Ttl = 64, Underlay = 3, Proxy = true },
        }));

    [Theory] // ip link add link npt-v0 name npt-mvN type macvlan mode MODE
    [InlineData("bridge", "5000000010000506ce97026b000000000000000000000000000000000000000008000500030000000c0003006e70742d6d7630001c0012000b0001006d6163766c616e000c0002000800010004000000", "npt-mv0", 3)]
    [InlineData("private", "5000000010000506f797026b000000000000000000000000000000000000000008000500030000000c0003006e70742d6d7630001c0012000b0001006d6163766c616e000c0002000800010001000000", "npt-mv0", 3)]
    [InlineData("vepa", "50000000100005060299026b000000000000000000000000000000000000000008000500040000000c0003006e70742d6d7633001c0012000b0001006d6163766c616e000c0002000800010002000000", "npt-mv3", 4)]
    public void Macvlan(string mode, string captured, string name, int parent) => AssertSame(
        captured, LinkMessages.Create(new NewLink(name, "macvlan") { Parent = parent, Data = new MacvlanData(mode) }));

    [Fact] // ip link add link npt-v0 name npt-mv1 mtu 1400 address 02:42:0a:0a:00:0b group 4097 alias netplan:t1 netns nptest-capk2 type macvlan mode bridge
    public void Macvlan_created_in_another_namespace() => AssertSame(
        "84000000100005060199026b000000000000000000000000000000000000000008000400780500000a00010002420a0a000b000008001b00011000000e0014006e6574706c616e3a7431000008001c000400000008000500040000000c0003006e70742d6d7631001c0012000b0001006d6163766c616e000c0002000800010004000000",
        LinkMessages.Create(new NewLink("npt-mv1", "macvlan")
        {
            Mtu = 1400, Mac = "02:42:0a:0a:00:0b", Group = 4097, Alias = "netplan:t1", NetnsFd = 4, Parent = 4, Data = new MacvlanData("bridge"),
        }));

    [Theory] // ip link add link npt-v0 name npt-ivN type ipvlan mode MODE (this kernel answers "Unknown device type")
    [InlineData("l2", "npt-iv0", "5800000010000506ce97026b000000000000000000000000000000000000000008000500030000000c0003006e70742d69763000240012000a0001006970766c616e00001400020006000100000000000600020000000000")]
    [InlineData("l3", "npt-iv1", "5800000010000506cf97026b000000000000000000000000000000000000000008000500030000000c0003006e70742d69763100240012000a0001006970766c616e00001400020006000100010000000600020000000000")]
    public void Ipvlan(string mode, string name, string captured) => AssertSame(
        captured, LinkMessages.Create(new NewLink(name, "ipvlan") { Parent = 3, Data = new IpvlanData(mode) }));

    [Fact] // ip link add link npt-v0 name npt-iv2 mtu 1400 group 4097 netns nptest-capk2 type ipvlan mode l3s
    public void Ipvlan_created_in_another_namespace() => AssertSame(
        "70000000100005060299026b0000000000000000000000000000000000000000080004007805000008001b000110000008001c000400000008000500040000000c0003006e70742d69763200240012000a0001006970766c616e00001400020006000100020000000600020000000000",
        LinkMessages.Create(new NewLink("npt-iv2", "ipvlan") { Mtu = 1400, Group = 4097, NetnsFd = 4, Parent = 4, Data = new IpvlanData("l3s") }));

    [Fact] // ip link add link npt-v0 name npt-vl0 type vlan id 100 (this kernel answers "Unknown device type")
    public void Vlan() => AssertSame(
        "4c00000010000506d097026b000000000000000000000000000000000000000008000500030000000c0003006e70742d766c30001800120008000100766c616e0c0002000600010064000000",
        LinkMessages.Create(new NewLink("npt-vl0", "vlan") { Parent = 3, Data = new VlanData(100) }));

    [Fact] // ip link set npt-v0 up
    public void Set_up() => AssertSame(
        "2000000010000500d197026b0000000000000000030000000100000001000000",
        LinkMessages.Set(3, new LinkChange { Up = true }));

    [Fact] // ip link set npt-v0 down
    public void Set_down() => AssertSame(
        "2000000010000500d297026b0000000000000000030000000000000001000000",
        LinkMessages.Set(3, new LinkChange { Up = false }));

    [Fact] // ip link set npt-v0 mtu 1400 address 02:42:0a:0a:00:0a alias netplan:t1
    public void Set_mtu_mac_and_alias() => AssertSame(
        "4400000010000500d397026b000000000000000003000000000000000000000008000400780500000a00010002420a0a000a00000e0014006e6574706c616e3a74310000",
        LinkMessages.Set(3, new LinkChange { Mtu = 1400, Mac = "02:42:0a:0a:00:0a", Alias = "netplan:t1" }));

    [Fact] // ip link set npt-v0 group 4097
    public void Set_group() => AssertSame(
        "2800000010000500d297026b000000000000000003000000000000000000000008001b0001100000",
        LinkMessages.Set(3, new LinkChange { Group = 4097 }));

    [Fact] // ip link set npt-v0 master npt-br0
    public void Set_master() => AssertSame(
        "2800000010000500d397026b000000000000000003000000000000000000000008000a0002000000",
        LinkMessages.Set(3, new LinkChange { Master = 2 }));

    [Fact] // ip link set npt-v0 nomaster
    public void Set_nomaster() => AssertSame(
        "2800000010000500d397026b000000000000000003000000000000000000000008000a0000000000",
        LinkMessages.Set(3, new LinkChange { Master = 0 }));

    [Fact] // ip link set npt-v0 netns nptest-capk2
    public void Move_to_namespace() => AssertSame(
        "2800000010000500d397026b000000000000000003000000000000000000000008001c0004000000",
        LinkMessages.Set(3, new LinkChange { NetnsFd = 4 }));

    [Fact] // ip link del npt-b1
    public void Delete() => AssertSame(
        "2000000011000500de97026b0000000000000000060000000000000000000000",
        LinkMessages.Delete(6));

    [Fact] // ip link del group 4097
    public void Delete_group() => AssertSame(
        "2800000011000500d497026b000000000000000000000000000000000000000008001b0001100000",
        LinkMessages.DeleteGroup(4097));

    [Theory]
    [InlineData("02:42:0A:0a:00")]
    [InlineData("zz:42:0a:0a:00:01")]
    [InlineData("0242.0a0a.0001")]
    public void A_bad_mac_is_a_readable_error(string mac)
    {
        var e = Assert.Throws<ArgumentException>(() => LinkMessages.Create(new NewLink("x", "bridge") { Mac = mac }));
        Assert.Contains($"'{mac}' is not a MAC address", e.Message);
    }

    [Fact]
    public void An_unknown_mode_names_the_valid_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => LinkMessages.Create(new NewLink("x", "macvlan") { Parent = 1, Data = new MacvlanData("brige") }));
        Assert.Equal("unknown macvlan mode 'brige' (expected private, vepa, bridge, passthru, source)", e.Message);
    }
}
