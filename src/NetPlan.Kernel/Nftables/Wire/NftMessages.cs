using System.Text;
using NetPlan.Kernel.Netlink;
using NetPlan.Kernel.Nftables.Expressions;

namespace NetPlan.Kernel.Nftables.Wire;

/// <summary>
/// Builds the nftables netlink messages, attribute for attribute in the order nft 1.0 writes
/// them (the byte-exact tests compare with nft's own output). Sequence numbers are assigned when
/// a batch is sent.
/// </summary>
internal static class NftMessages
{
    /// <summary>Elements per NEWSETELEM message: a nested attribute's length is 16 bits, so a big set is split.</summary>
    public const int ElementsPerMessage = 512;

    private const ushort CreateFlags = Nl.F_REQUEST | Nl.F_CREATE;

    /// <summary>
    /// BATCH_BEGIN; with <paramref name="generation"/>, the kernel refuses the batch (ERESTART)
    /// unless the ruleset is still at that generation.
    /// </summary>
    public static MessageWriter BatchBegin(uint? generation = null)
    {
        var w = Batch(Nft.NFNL_MSG_BATCH_BEGIN);
        return generation is { } g ? w.U32BigEndian(Nft.BATCH_GENID, g) : w;
    }
    public static MessageWriter BatchEnd() => Batch(Nft.NFNL_MSG_BATCH_END);

    private static MessageWriter Batch(ushort type) =>
        new MessageWriter(type, Nl.F_REQUEST).Fixed(NfGenMsg(0, Nft.NFNL_SUBSYS_NFTABLES));

    /// <summary>NEWTABLE without EXCL: creates the table, or is a no-op if it exists.</summary>
    public static MessageWriter NewTable(Table table)
    {
        var w = Start(Nft.NEWTABLE, Nl.F_REQUEST, table.Family)
            .String(Nft.Table.NAME, table.Name)
            .U32BigEndian(Nft.Table.FLAGS, (uint)table.Flags);
        return table.Comment is null ? w : w.Attr(Nft.Table.USERDATA, CommentTlv.Encode(table.Comment));
    }

    public static MessageWriter DelTable(Table table) =>
        Start(Nft.DELTABLE, Nl.F_REQUEST, table.Family).String(Nft.Table.NAME, table.Name);

    public static MessageWriter NewChain(Table table, Chain chain)
    {
        var w = Start(Nft.NEWCHAIN, CreateFlags, table.Family)
            .String(Nft.Chain.TABLE, table.Name)
            .String(Nft.Chain.NAME, chain.Name);
        if (chain.Base is { } b)
        {
            w.String(Nft.Chain.TYPE, b.Type.ToString().ToLowerInvariant())
                .U32BigEndian(Nft.Chain.POLICY, unchecked((uint)(int)b.EffectivePolicy.Code))
                .BeginNested(Nft.Chain.HOOK | Nl.NLA_F_NESTED)
                .U32BigEndian(Nft.Chain.HOOK_HOOKNUM, (uint)b.Hook)
                .U32BigEndian(Nft.Chain.HOOK_PRIORITY, unchecked((uint)b.Priority))
                .EndNested();
        }
        return w;
    }

    public static MessageWriter NewSet(Table table, NftSet set, uint id)
    {
        var w = Start(Nft.NEWSET, CreateFlags, table.Family)
            .String(Nft.Set.TABLE, table.Name)
            .String(Nft.Set.NAME, set.Name)
            .U32BigEndian(Nft.Set.FLAGS, (uint)set.Flags)
            .U32BigEndian(Nft.Set.KEY_TYPE, set.Key.Id)
            .U32BigEndian(Nft.Set.KEY_LEN, set.Key.Length);
        if (set.VerdictMap) w.U32BigEndian(Nft.Set.DATA_TYPE, Nft.Data.TYPE_VERDICT); // the kernel sizes verdicts itself
        else if (set.Value is { } v) w.U32BigEndian(Nft.Set.DATA_TYPE, v.Id).U32BigEndian(Nft.Set.DATA_LEN, v.Length);
        w.U32BigEndian(Nft.Set.ID, id);
        // nft's user data: the key byte order, so `nft list` prints 80 rather than 20480.
        var userdata = new List<byte>();
        AddTlvU32(userdata, Nft.Set.UDATA_KEYBYTEORDER, set.Key.BigEndian ? Nft.Set.BYTEORDER_BIG_ENDIAN : Nft.Set.BYTEORDER_HOST);
        if (set.Value is { } value) AddTlvU32(userdata, Nft.Set.UDATA_DATABYTEORDER, value.BigEndian ? Nft.Set.BYTEORDER_BIG_ENDIAN : Nft.Set.BYTEORDER_HOST);
        return w.Attr(Nft.Set.USERDATA, userdata.ToArray());
    }

    /// <summary>NEWSETELEM messages for <paramref name="elements"/>, split to fit attribute lengths.</summary>
    public static IEnumerable<MessageWriter> NewSetElements(Table table, string set, uint? setId, IReadOnlyList<SetElement> elements)
    {
        for (var start = 0; start < elements.Count; start += ElementsPerMessage)
        {
            var w = Start(Nft.NEWSETELEM, CreateFlags, table.Family)
                .String(Nft.SetElemList.TABLE, table.Name)
                .String(Nft.SetElemList.SET, set);
            if (setId is { } id) w.U32BigEndian(Nft.SetElemList.SET_ID, id);
            w.BeginNested(Nft.SetElemList.ELEMENTS | Nl.NLA_F_NESTED);
            ushort index = 0;
            foreach (var element in elements.Skip(start).Take(ElementsPerMessage))
            {
                // nft numbers the list entries 1, 2, ... (the kernel ignores the type).
                w.BeginNested((ushort)(++index | Nl.NLA_F_NESTED));
                DataAttribute.Value(w, Nft.SetElem.KEY, element.Key);
                if (element.Verdict is { } verdict) DataAttribute.Verdict(w, Nft.SetElem.DATA, verdict);
                else if (element.Data is { } data) DataAttribute.Value(w, Nft.SetElem.DATA, data);
                w.EndNested();
            }
            yield return w.EndNested();
        }
    }

    /// <summary>NEWRULE with CREATE|APPEND: appended at the end of its chain.</summary>
    public static MessageWriter NewRule(Table table, Rule rule, EncodingContext context)
    {
        var w = Start(Nft.NEWRULE, CreateFlags | Nl.F_APPEND, table.Family)
            .String(Nft.Rule.TABLE, table.Name)
            .String(Nft.Rule.CHAIN, rule.Chain);
        ExpressionCodec.EncodeList(w, rule.Expressions, context);
        if (rule.Comment is not null) w.Attr(Nft.Rule.USERDATA, CommentTlv.Encode(rule.Comment));
        return w;
    }

    public static MessageWriter GetGeneration() => Start(Nft.GETGEN, Nl.F_REQUEST, 0);

    public static MessageWriter Dump(byte message, TableFamily family) =>
        Start(message, Nl.F_REQUEST | Nl.F_DUMP, family);

    internal static MessageWriter Start(byte message, ushort flags, TableFamily family) =>
        new MessageWriter(Nft.MessageType(message), flags).Fixed(NfGenMsg((byte)family, 0));

    /// <summary>nfgenmsg: family, version 0, res_id (big-endian).</summary>
    private static byte[] NfGenMsg(byte family, ushort resId) => [family, 0, (byte)(resId >> 8), (byte)resId];

    private static void AddTlvU32(List<byte> tlv, byte type, uint value)
    {
        tlv.Add(type);
        tlv.Add(4);
        tlv.AddRange(BitConverter.GetBytes(value)); // host order, as libnftnl writes it
    }
}

/// <summary>
/// A rule's or table's comment in nft's user-data format (libnftnl's NFTNL_UDATA_RULE_COMMENT and
/// NFTNL_UDATA_TABLE_COMMENT, both type 0): a TLV of one type byte, one length byte, then the
/// NUL-terminated text. It is what <c>nft list</c> shows as <c>comment "..."</c>.
/// </summary>
internal static class CommentTlv
{
    /// <summary>NFT_USERDATA_MAXLEN is 256; the TLV header takes 2 and the NUL 1.</summary>
    public const int MaxBytes = 253;

    public static byte[] Encode(string comment)
    {
        var text = Encoding.UTF8.GetBytes(comment);
        if (text.Length > MaxBytes) throw new ArgumentException($"comment is {text.Length} bytes; nftables allows at most {MaxBytes}: \"{comment}\"", nameof(comment));
        if (text.Contains((byte)0)) throw new ArgumentException("comment contains a NUL character", nameof(comment));
        var result = new byte[2 + text.Length + 1];
        result[0] = Nft.UDATA_COMMENT;
        result[1] = (byte)(text.Length + 1);
        text.CopyTo(result, 2);
        return result;
    }

    /// <summary>The comment TLV among a rule's user data, or null when there is none.</summary>
    public static string? Decode(ReadOnlySpan<byte> userdata)
    {
        var offset = 0;
        while (offset + 2 <= userdata.Length)
        {
            var type = userdata[offset];
            var length = userdata[offset + 1];
            if (offset + 2 + length > userdata.Length) break;
            if (type == Nft.UDATA_COMMENT)
            {
                var value = userdata.Slice(offset + 2, length);
                var nul = value.IndexOf((byte)0);
                return Encoding.UTF8.GetString(nul < 0 ? value : value[..nul]);
            }
            offset += 2 + length;
        }
        return null;
    }
}
