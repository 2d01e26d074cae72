using NetPlan.Kernel.Netlink;
using NetPlan.Kernel.Nftables.Expressions;

namespace NetPlan.Kernel.Nftables.Wire;

/// <summary>Turns the kernel's NEWTABLE/NEWCHAIN/NEWRULE/NEWSET/NEWSETELEM dump replies into the typed objects.</summary>
internal static class NftDecoder
{
    private const int NfGenMsgSize = 4;

    public static bool Is(NetlinkMessage message, byte type) => message.Type == Nft.MessageType(type);

    public static TableFamily Family(NetlinkMessage message) => (TableFamily)message.Payload.Span[0];

    public static Dictionary<ushort, ReadOnlyMemory<byte>> Attributes(NetlinkMessage message) =>
        message.Attributes(NfGenMsgSize).ToDictionary();

    public static Table Table(NetlinkMessage message)
    {
        var a = Attributes(message);
        return new Table(
            AttributeValue.String(a[Nft.Table.NAME]),
            Family(message),
            a.TryGetValue(Nft.Table.FLAGS, out var f) ? (TableFlags)AttributeValue.U32BigEndian(f) : TableFlags.None,
            a.TryGetValue(Nft.Table.USERDATA, out var u) ? CommentTlv.Decode(u.Span) : null);
    }

    public static (string Table, Chain Chain) Chain(NetlinkMessage message)
    {
        var a = Attributes(message);
        var name = AttributeValue.String(a[Nft.Chain.NAME]);
        BaseChain? hooked = null;
        if (a.TryGetValue(Nft.Chain.HOOK, out var hookNest) && a.TryGetValue(Nft.Chain.TYPE, out var type))
        {
            var hook = new AttributeReader(hookNest).ToDictionary();
            var policy = a.TryGetValue(Nft.Chain.POLICY, out var p) ? (VerdictCode)unchecked((int)AttributeValue.U32BigEndian(p)) : VerdictCode.Accept;
            hooked = new BaseChain(
                Enum.Parse<ChainType>(AttributeValue.String(type), ignoreCase: true),
                (Hook)AttributeValue.U32BigEndian(hook[Nft.Chain.HOOK_HOOKNUM]),
                unchecked((int)AttributeValue.U32BigEndian(hook[Nft.Chain.HOOK_PRIORITY])),
                new Verdict(policy));
        }
        return (AttributeValue.String(a[Nft.Chain.TABLE]), new Chain(name, hooked));
    }

    public static (string Table, Rule Rule) Rule(NetlinkMessage message)
    {
        var a = Attributes(message);
        var expressions = a.TryGetValue(Nft.Rule.EXPRESSIONS, out var list) ? ExpressionCodec.DecodeList(list) : [];
        var comment = a.TryGetValue(Nft.Rule.USERDATA, out var userdata) ? CommentTlv.Decode(userdata.Span) : null;
        return (AttributeValue.String(a[Nft.Rule.TABLE]), new Rule(AttributeValue.String(a[Nft.Rule.CHAIN]), expressions, comment));
    }

    /// <summary>A set without its elements (they come from a separate GETSETELEM dump).</summary>
    public static (string Table, NftSet Set) Set(NetlinkMessage message)
    {
        var a = Attributes(message);
        var flags = a.TryGetValue(Nft.Set.FLAGS, out var f) ? (SetFlags)AttributeValue.U32BigEndian(f) : SetFlags.None;
        var key = DataType(AttributeValue.U32BigEndian(a[Nft.Set.KEY_TYPE]), AttributeValue.U32BigEndian(a[Nft.Set.KEY_LEN]));
        SetDataType? value = null;
        var verdictMap = false;
        if ((flags & SetFlags.Map) != 0 && a.TryGetValue(Nft.Set.DATA_TYPE, out var dt))
        {
            var dataType = AttributeValue.U32BigEndian(dt);
            if (dataType == Nft.Data.TYPE_VERDICT) verdictMap = true;
            else value = DataType(dataType, a.TryGetValue(Nft.Set.DATA_LEN, out var dl) ? AttributeValue.U32BigEndian(dl) : 0);
        }
        return (AttributeValue.String(a[Nft.Set.TABLE]), new NftSet(AttributeValue.String(a[Nft.Set.NAME]), key, [], value, verdictMap));
    }

    public static IEnumerable<SetElement> SetElements(NetlinkMessage message)
    {
        var a = Attributes(message);
        if (!a.TryGetValue(Nft.SetElemList.ELEMENTS, out var list)) yield break;
        foreach (var (_, element) in new AttributeReader(list).All())
        {
            var e = new AttributeReader(element).ToDictionary();
            if (!e.TryGetValue(Nft.SetElem.KEY, out var key)) continue;
            Verdict? verdict = null;
            NftData? data = null;
            if (e.TryGetValue(Nft.SetElem.DATA, out var d))
            {
                verdict = DataAttribute.ReadVerdict(d);
                if (verdict is null) data = DataAttribute.ReadValue(d);
            }
            yield return new SetElement(DataAttribute.ReadValue(key), data, verdict);
        }
    }

    private static readonly SetDataType[] KnownTypes =
    [
        SetDataType.Ipv4Address, SetDataType.Ipv6Address, SetDataType.InetProto,
        SetDataType.InetService, SetDataType.Mark, SetDataType.InterfaceName,
    ];

    private static SetDataType DataType(uint id, uint length) =>
        KnownTypes.FirstOrDefault(t => t.Id == id && t.Length == length) ?? new SetDataType($"type {id}", id, length, false);
}
