using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using NetPlan.Kernel.Addresses;
using NetPlan.Kernel.Netlink;

namespace NetPlan.Kernel.Routes;

/// <summary>A route to add or delete. <see cref="Destination"/> null = default route.</summary>
public sealed record RouteSpec(AddressFamily Family, IPAddress? Destination, int PrefixLength)
{
    public IPAddress? Gateway { get; init; }
    public int? OutputIndex { get; init; }
    public uint? Metric { get; init; }
    public uint Table { get; init; } = RouteMessages.RT_TABLE_MAIN;
    public byte Protocol { get; init; } = RouteMessages.RTPROT_BOOT;
}

/// <summary>Route requests (struct rtmsg), attribute order as `ip route add` sends them.</summary>
public static class RouteMessages
{
    public const ushort RTM_NEWROUTE = 24, RTM_DELROUTE = 25, RTM_GETROUTE = 26;
    public const ushort RTA_DST = 1, RTA_OIF = 4, RTA_GATEWAY = 5, RTA_PRIORITY = 6, RTA_TABLE = 15;
    public const int RtMsgSize = 12;
    public const uint RT_TABLE_MAIN = 254;
    public const byte RTPROT_KERNEL = 2, RTPROT_BOOT = 3;
    public const byte RT_SCOPE_UNIVERSE = 0, RT_SCOPE_LINK = 253, RT_SCOPE_NOWHERE = 255;
    public const byte RTN_UNSPEC = 0, RTN_UNICAST = 1;

    /// <summary>`ip route add DST [via GW] [dev OIF] proto P [metric M] [table T]`.</summary>
    public static MessageWriter Add(RouteSpec route)
    {
        // A route without a gateway is on-link: iproute2 gives it link scope.
        var scope = route.Gateway is null && route.OutputIndex is not null ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
        return Body(new MessageWriter(RTM_NEWROUTE, Nl.F_REQUEST | Nl.F_ACK | Nl.F_CREATE | Nl.F_EXCL), route, scope, RTN_UNICAST);
    }

    /// <summary>`ip route replace ...`: adds the route, or replaces the one with the same destination, table and metric.</summary>
    public static MessageWriter Replace(RouteSpec route)
    {
        var scope = route.Gateway is null && route.OutputIndex is not null ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
        return Body(new MessageWriter(RTM_NEWROUTE, Nl.F_REQUEST | Nl.F_ACK | Nl.F_CREATE | Nl.F_REPLACE), route, scope, RTN_UNICAST);
    }

    /// <summary>`ip route del ...` with the same selectors.</summary>
    public static MessageWriter Delete(RouteSpec route) =>
        Body(new MessageWriter(RTM_DELROUTE, Nl.F_REQUEST | Nl.F_ACK), route, RT_SCOPE_NOWHERE, RTN_UNSPEC);

    /// <summary>
    /// Routes of one table, optionally of one protocol: with NETLINK_GET_STRICT_CHK the kernel
    /// filters on rtm_table and rtm_protocol itself, so owned routes cost one small dump.
    /// </summary>
    public static MessageWriter Dump(uint table = RT_TABLE_MAIN, byte protocol = 0)
    {
        var h = new byte[RtMsgSize];
        h[4] = table < 256 ? (byte)table : (byte)0;
        h[5] = protocol;
        var m = new MessageWriter(RTM_GETROUTE, Nl.F_REQUEST | Nl.F_DUMP).Fixed(h);
        if (table >= 256) m.U32(RTA_TABLE, table);
        return m;
    }

    private static MessageWriter Body(MessageWriter m, RouteSpec r, byte scope, byte type)
    {
        var h = new byte[RtMsgSize];
        h[0] = AddressMessages.Family(r.Family);
        h[1] = (byte)r.PrefixLength;
        h[4] = r.Table < 256 ? (byte)r.Table : (byte)0;
        h[5] = r.Protocol;
        h[6] = scope;
        h[7] = type;
        m.Fixed(h);
        if (r.Destination is { } dst) m.Address(RTA_DST, dst);
        if (r.Gateway is { } gw) m.Address(RTA_GATEWAY, gw);
        if (r.Metric is { } metric) m.U32(RTA_PRIORITY, metric);
        if (r.OutputIndex is { } oif) m.U32(RTA_OIF, (uint)oif);
        if (r.Table >= 256) m.U32(RTA_TABLE, r.Table);
        return m;
    }
}

/// <summary>One route as the kernel reports it.</summary>
public sealed record RouteInfo(byte Family, IPAddress? Destination, int PrefixLength, uint Table, byte Protocol, byte Scope, byte Type)
{
    public IPAddress? Gateway { get; init; }
    public int? OutputIndex { get; init; }
    public uint? Metric { get; init; }

    /// <summary>"default" or the destination in CIDR form.</summary>
    public string DestinationText => PrefixLength == 0 ? "default" : $"{Destination}/{PrefixLength}";

    public static RouteInfo? Decode(NetlinkMessage message)
    {
        if (message.Type != RouteMessages.RTM_NEWROUTE || message.Payload.Length < RouteMessages.RtMsgSize) return null;
        var h = message.Payload.Span;
        var attrs = message.Attributes(RouteMessages.RtMsgSize);
        return new RouteInfo(
            h[0],
            attrs.TryGetValue(RouteMessages.RTA_DST, out var dst) ? AttributeValue.Address(dst) : null,
            h[1],
            attrs.TryGetValue(RouteMessages.RTA_TABLE, out var table) ? AttributeValue.U32(table) : h[4],
            h[5], h[6], h[7])
        {
            Gateway = attrs.TryGetValue(RouteMessages.RTA_GATEWAY, out var gw) ? AttributeValue.Address(gw) : null,
            OutputIndex = attrs.TryGetValue(RouteMessages.RTA_OIF, out var oif) ? (int)AttributeValue.U32(oif) : null,
            Metric = attrs.TryGetValue(RouteMessages.RTA_PRIORITY, out var prio) ? AttributeValue.U32(prio) : null,
        };
    }
}
