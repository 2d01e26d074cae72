using NetPlan.Kernel.Netlink;

namespace NetPlan.Kernel.Nftables.Expressions;

/// <summary>Writes a rule's NFTA_RULE_EXPRESSIONS list and reads it back into typed expressions.</summary>
internal static class ExpressionCodec
{
    public static void EncodeList(MessageWriter writer, IEnumerable<Expression> expressions, EncodingContext context)
    {
        writer.BeginNested(Nft.Rule.EXPRESSIONS | Nl.NLA_F_NESTED);
        foreach (var expression in expressions)
        {
            writer.BeginNested(Nft.Rule.LIST_ELEM | Nl.NLA_F_NESTED).String(Nft.Rule.EXPR_NAME, expression.Kind);
            writer.BeginNested(Nft.Rule.EXPR_DATA | Nl.NLA_F_NESTED);
            expression.EncodeData(writer, context);
            writer.EndNested().EndNested();
        }
        writer.EndNested();
    }

    public static List<Expression> DecodeList(ReadOnlyMemory<byte> list)
    {
        var result = new List<Expression>();
        foreach (var (type, element) in new AttributeReader(list).All())
        {
            if (type != Nft.Rule.LIST_ELEM) continue;
            var attrs = new AttributeReader(element).ToDictionary();
            var name = AttributeValue.String(attrs[Nft.Rule.EXPR_NAME]);
            var raw = attrs.TryGetValue(Nft.Rule.EXPR_DATA, out var d) ? d : ReadOnlyMemory<byte>.Empty;
            result.Add(Decode(name, raw));
        }
        return result;
    }

    private static Expression Decode(string name, ReadOnlyMemory<byte> raw)
    {
        var a = new AttributeReader(raw).ToDictionary();
        try
        {
            return name switch
            {
                "meta" when a.ContainsKey(Nft.Meta.DREG) => Meta.Decode(a),
                "cmp" => Cmp.Decode(a),
                "payload" when a.ContainsKey(Nft.Payload.DREG) => Payload.Decode(a),
                "bitwise" => Bitwise.Decode(a, raw),
                "ct" when a.ContainsKey(Nft.Ct.DREG) => Ct.Decode(a),
                "immediate" => Immediate.Decode(a),
                "lookup" => Lookup.Decode(a),
                "nat" => Nat.Decode(a),
                "masq" => Masq.Decode(a),
                "counter" => new Counter(),
                "fib" => Fib.Decode(a),
                "reject" => Reject.Decode(a),
                _ => new OpaqueExpression(name, new NftData(raw.Span)),
            };
        }
        catch (KeyNotFoundException)
        {
            // A shape of a known expression we do not model (e.g. meta set): keep it opaque.
            return new OpaqueExpression(name, new NftData(raw.Span));
        }
    }
}
