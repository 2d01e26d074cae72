using NetPlan.Kernel.Links;
using NetPlan.Kernel.Netlink;

namespace NetPlan.Kernel.Tests.Netlink;

/// <summary>Finding attributes by type without a dictionary, as the dump decoders do.</summary>
public class AttributeReaderTests
{
    /// <summary>The attributes <paramref name="writer"/> wrote after its fixed header, as a received message carries them.</summary>
    private static NetlinkMessage Received(MessageWriter writer)
    {
        var bytes = writer.ToArray(1);
        return new NetlinkMessage(writer.Type, Nl.F_MULTI, 1, 0, bytes.AsMemory(Nl.HeaderSize));
    }

    [Fact]
    public void The_last_attribute_of_a_type_wins_as_in_the_dictionary_and_an_absent_one_is_not_found()
    {
        var message = Received(new MessageWriter(Ifla.RTM_NEWLINK, 0).Fixed(new byte[Ifla.IfInfoSize])
            .U32(Ifla.MTU, 1500).String(Ifla.IFNAME, "np-a").U32(Ifla.MTU, 9000));
        var attrs = message.Attributes(Ifla.IfInfoSize);

        Assert.True(attrs.TryGetValue(Ifla.MTU, out var mtu));
        Assert.Equal(9000u, AttributeValue.U32(mtu));
        Assert.Equal(AttributeValue.U32(attrs.ToDictionary()[Ifla.MTU]), AttributeValue.U32(mtu));
        Assert.Equal("np-a", attrs.TryGetValue(Ifla.IFNAME, out var name) ? AttributeValue.String(name) : null);
        Assert.False(attrs.TryGetValue(Ifla.IFALIAS, out var missing));
        Assert.True(missing.IsEmpty);
    }

    [Fact]
    public void A_truncated_attribute_ends_the_walk_instead_of_reading_past_the_message()
    {
        var bytes = new MessageWriter(Ifla.RTM_NEWLINK, 0).Fixed(new byte[Ifla.IfInfoSize])
            .U32(Ifla.MTU, 1500).String(Ifla.IFNAME, "np-a").ToArray(1);
        // Cut the message in the middle of IFLA_IFNAME: its length field now points past the end.
        var cut = new NetlinkMessage(Ifla.RTM_NEWLINK, 0, 1, 0, bytes.AsMemory(Nl.HeaderSize, Ifla.IfInfoSize + 8 + 6));
        var attrs = cut.Attributes(Ifla.IfInfoSize);

        Assert.True(attrs.TryGetValue(Ifla.MTU, out _));
        Assert.False(attrs.TryGetValue(Ifla.IFNAME, out _));
    }

    [Fact]
    public void A_link_decodes_from_nested_info_and_data_attributes()
    {
        var message = Received(new MessageWriter(Ifla.RTM_NEWLINK, 0).Fixed(new byte[Ifla.IfInfoSize])
            .String(Ifla.IFNAME, "np-x1").U32(Ifla.MTU, 1450).Attr(Ifla.ADDRESS, [0x02, 0x42, 0x0a, 0xff, 0x00, 0x0b])
            .BeginNested(Ifla.LINKINFO).String(Ifla.INFO_KIND, "vxlan")
            .BeginNested(Ifla.INFO_DATA).U32(Ifla.VXLAN_ID, 4097).U16BigEndian(Ifla.VXLAN_PORT, 4789).U8(Ifla.VXLAN_LEARNING, 0)
            .EndNested().EndNested());

        var link = LinkInfo.Decode(message)!;

        Assert.Equal(("np-x1", 1450, "02:42:0a:ff:00:0b", "vxlan"), (link.Name, link.Mtu, link.Mac, link.Kind));
        Assert.Equal((4097u, (ushort)4789, false), (link.VxlanId, link.VxlanPort, link.VxlanLearning));
    }

    [Fact]
    public void A_mac_is_lower_case_hex_joined_by_colons()
    {
        Assert.Equal("0a:1b:2c:3d:4e:ff", AttributeValue.Mac(new byte[] { 0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0xff }));
        Assert.Equal("", AttributeValue.Mac(ReadOnlyMemory<byte>.Empty));
    }
}
