using System.Buffers.Binary;
using System.Net;
using NetPlan.Kernel.Addresses;
using NetPlan.Kernel.Links;
using NetPlan.Kernel.Netlink;

namespace NetPlan.Kernel.Neighbours;

/// <summary>
/// Neighbour (ARP/NDP) and bridge FDB requests: both are RTM_NEWNEIGH with a struct ndmsg; the FDB
/// uses family AF_BRIDGE. Attribute order as `ip neigh` and `bridge fdb` send them.
/// </summary>
public static class NeighbourMessages
{
    public const ushort RTM_NEWNEIGH = 28, RTM_DELNEIGH = 29, RTM_GETNEIGH = 30;
    public const ushort NDA_DST = 1, NDA_LLADDR = 2, NDA_MASTER = 9;
    public const int NdMsgSize = 12;
    public const byte AF_BRIDGE = 7;
    public const ushort NUD_NOARP = 0x40, NUD_PERMANENT = 0x80;
    public const byte NTF_SELF = 0x02, NTF_MASTER = 0x04;

    /// <summary>`ip neigh replace ADDRESS lladdr MAC dev INDEX nud permanent`.</summary>
    public static MessageWriter ReplacePermanent(int index, IPAddress address, string mac) =>
        new MessageWriter(RTM_NEWNEIGH, Nl.F_REQUEST | Nl.F_ACK | Nl.F_CREATE | Nl.F_REPLACE)
            .Fixed(NdMsg(AddressMessages.Family(address.AddressFamily), index, NUD_PERMANENT, 0))
            .Address(NDA_DST, address)
            .Attr(NDA_LLADDR, LinkMessages.ParseMac(mac));

    /// <summary>`ip neigh del ADDRESS dev INDEX`.</summary>
    public static MessageWriter Delete(int index, IPAddress address) =>
        new MessageWriter(RTM_DELNEIGH, Nl.F_REQUEST | Nl.F_ACK)
            .Fixed(NdMsg(AddressMessages.Family(address.AddressFamily), index, NUD_PERMANENT, 0))
            .Address(NDA_DST, address);

    /// <summary>
    /// `bridge fdb append MAC dev INDEX dst VTEP self permanent`: a static entry in a VXLAN
    /// device's own FDB. The all-zero MAC is the flood entry; appending one per VTEP gives
    /// head-end replication.
    /// </summary>
    public static MessageWriter AppendFdb(int index, string mac, IPAddress destination) =>
        new MessageWriter(RTM_NEWNEIGH, Nl.F_REQUEST | Nl.F_ACK | Nl.F_CREATE | Nl.F_APPEND)
            .Fixed(NdMsg(AF_BRIDGE, index, NUD_NOARP | NUD_PERMANENT, NTF_SELF))
            .Attr(NDA_LLADDR, LinkMessages.ParseMac(mac))
            .Address(NDA_DST, destination);

    /// <summary>`bridge fdb del MAC dev INDEX dst VTEP self`.</summary>
    public static MessageWriter DeleteFdb(int index, string mac, IPAddress destination) =>
        new MessageWriter(RTM_DELNEIGH, Nl.F_REQUEST | Nl.F_ACK)
            .Fixed(NdMsg(AF_BRIDGE, index, NUD_NOARP | NUD_PERMANENT, NTF_SELF))
            .Attr(NDA_LLADDR, LinkMessages.ParseMac(mac))
            .Address(NDA_DST, destination);

    /// <summary>Neighbours of one family (2 = IPv4, 10 = IPv6, 7 = the bridge FDB).</summary>
    public static MessageWriter Dump(byte family) =>
        new MessageWriter(RTM_GETNEIGH, Nl.F_REQUEST | Nl.F_DUMP).Fixed(NdMsg(family, 0, 0, 0));

    private static byte[] NdMsg(byte family, int index, ushort state, byte flags)
    {
        var b = new byte[NdMsgSize];
        b[0] = family;
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(4), index);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(8), state);
        b[10] = flags;
        return b;
    }
}

/// <summary>One neighbour or FDB entry as the kernel reports it.</summary>
public sealed record NeighbourInfo(byte Family, int Index, ushort State, byte Flags)
{
    public IPAddress? Destination { get; init; }
    public string? Mac { get; init; }

    public bool IsPermanent => (State & NeighbourMessages.NUD_PERMANENT) != 0;
    public bool IsSelf => (Flags & NeighbourMessages.NTF_SELF) != 0;

    public static NeighbourInfo? Decode(NetlinkMessage message)
    {
        if (message.Type != NeighbourMessages.RTM_NEWNEIGH || message.Payload.Length < NeighbourMessages.NdMsgSize) return null;
        var h = message.Payload.Span;
        var attrs = message.Attributes(NeighbourMessages.NdMsgSize);
        return new NeighbourInfo(h[0], BinaryPrimitives.ReadInt32LittleEndian(h[4..]), BinaryPrimitives.ReadUInt16LittleEndian(h[8..]), h[10])
        {
            Destination = attrs.TryGetValue(NeighbourMessages.NDA_DST, out var dst) && dst.Length is 4 or 16 ? AttributeValue.Address(dst) : null,
            Mac = attrs.TryGetValue(NeighbourMessages.NDA_LLADDR, out var mac) && mac.Length == 6 ? AttributeValue.Mac(mac) : null,
        };
    }
}
