using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using NetPlan.Kernel.Netlink;

namespace NetPlan.Kernel.Addresses;

/// <summary>Address requests (RTM_NEWADDR/DELADDR/GETADDR, struct ifaddrmsg), attribute order as `ip addr` sends them.</summary>
public static class AddressMessages
{
    public const ushort RTM_NEWADDR = 20, RTM_DELADDR = 21, RTM_GETADDR = 22;
    public const ushort IFA_ADDRESS = 1, IFA_LOCAL = 2, IFA_FLAGS = 8, IFA_PROTO = 11;
    public const int IfAddrSize = 8;
    public const byte IFA_F_NODAD = 0x02;
    public const byte RT_SCOPE_UNIVERSE = 0, RT_SCOPE_HOST = 254, RT_SCOPE_LINK = 253;

    /// <summary>
    /// `ip addr add CIDR dev INDEX nodad` plus IFA_PROTO when <paramref name="protocol"/> is given.
    /// NODAD only for IPv6: IPv4 has no duplicate address detection and iproute2 drops the flag.
    /// </summary>
    public static MessageWriter Add(int index, IPAddress address, int prefixLength, byte? protocol = null)
    {
        var v6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        var m = new MessageWriter(RTM_NEWADDR, Nl.F_REQUEST | Nl.F_ACK | Nl.F_CREATE | Nl.F_EXCL)
            .Fixed(IfAddr(address.AddressFamily, prefixLength, v6 ? IFA_F_NODAD : (byte)0, index))
            .Address(IFA_LOCAL, address)
            .Address(IFA_ADDRESS, address);
        if (protocol is { } proto) m.U8(IFA_PROTO, proto);
        return m;
    }

    /// <summary>`ip addr del CIDR dev INDEX`.</summary>
    public static MessageWriter Delete(int index, IPAddress address, int prefixLength) =>
        new MessageWriter(RTM_DELADDR, Nl.F_REQUEST | Nl.F_ACK)
            .Fixed(IfAddr(address.AddressFamily, prefixLength, 0, index))
            .Address(IFA_LOCAL, address)
            .Address(IFA_ADDRESS, address);

    /// <summary>All addresses; with <paramref name="index"/> the kernel filters to one link (strict checking).</summary>
    public static MessageWriter Dump(int index = 0) =>
        new MessageWriter(RTM_GETADDR, Nl.F_REQUEST | Nl.F_DUMP).Fixed(IfAddr(AddressFamily.Unspecified, 0, 0, index));

    private static byte[] IfAddr(AddressFamily family, int prefixLength, byte flags, int index)
    {
        var b = new byte[IfAddrSize];
        b[0] = Family(family);
        b[1] = (byte)prefixLength;
        b[2] = flags;
        b[3] = RT_SCOPE_UNIVERSE;
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(4), index);
        return b;
    }

    internal static byte Family(AddressFamily family) => family switch
    {
        AddressFamily.InterNetwork => 2,
        AddressFamily.InterNetworkV6 => 10,
        _ => 0,
    };
}

/// <summary>One address as the kernel reports it.</summary>
public sealed record AddressInfo(int Index, IPAddress Address, int PrefixLength, byte Scope, uint Flags, byte Protocol)
{
    public string Cidr => $"{Address}/{PrefixLength}";

    public static AddressInfo? Decode(NetlinkMessage message)
    {
        if (message.Type != AddressMessages.RTM_NEWADDR || message.Payload.Length < AddressMessages.IfAddrSize) return null;
        var h = message.Payload.Span;
        var attrs = message.Attributes(AddressMessages.IfAddrSize);
        if (!attrs.TryGetValue(AddressMessages.IFA_LOCAL, out var address) && !attrs.TryGetValue(AddressMessages.IFA_ADDRESS, out address))
            return null;
        return new AddressInfo(
            BinaryPrimitives.ReadInt32LittleEndian(h[4..]),
            AttributeValue.Address(address),
            h[1],
            h[3],
            attrs.TryGetValue(AddressMessages.IFA_FLAGS, out var flags) ? AttributeValue.U32(flags) : h[2],
            attrs.TryGetValue(AddressMessages.IFA_PROTO, out var proto) ? AttributeValue.U8(proto) : (byte)0);
    }
}
