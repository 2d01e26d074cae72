using NetPlan.Kernel.Netlink;

namespace NetPlan.Kernel.Nftables.Expressions;

/// <summary>
/// One kernel expression of a rule (a register load, a comparison, a verdict ...). Each subtype
/// mirrors one nft_expr_type and knows how to write its NFTA_EXPR_DATA; <see cref="ExpressionCodec"/>
/// reads them back. Records, so two rules compare by content (the drift check relies on it);
/// ToString reads like <c>nft --debug=netlink</c>, which is how drift is shown.
/// </summary>
public abstract record Expression
{
    /// <summary>The kernel's name for the expression type ("meta", "cmp", "nat" ...).</summary>
    public abstract string Kind { get; }

    /// <summary>Writes the attributes inside NFTA_EXPR_DATA, in the order nft writes them.</summary>
    internal abstract void EncodeData(MessageWriter writer, EncodingContext context);
}

/// <summary>Register names as <c>nft --debug=netlink</c> prints them.</summary>
internal static class Reg
{
    public static string Name(Register register) => register == Register.Verdict ? "reg 0" : $"reg {(uint)register}";
}

/// <summary>What an expression may need from the batch it is written in.</summary>
internal sealed class EncodingContext(Func<string, uint?> setIdOf)
{
    public static readonly EncodingContext None = new(_ => null);

    /// <summary>The NFTA_SET_ID of a set created earlier in the same batch, if it was.</summary>
    public uint? SetIdOf(string set) => setIdOf(set);
}

/// <summary>Small writers for the nested NFTA_DATA_* shapes shared by several expressions.</summary>
internal static class DataAttribute
{
    public static void Value(MessageWriter writer, ushort type, NftData data) =>
        writer.BeginNested((ushort)(type | Nl.NLA_F_NESTED)).Attr(Nft.Data.VALUE, data.Bytes).EndNested();

    public static void Verdict(MessageWriter writer, ushort type, Verdict verdict)
    {
        writer.BeginNested((ushort)(type | Nl.NLA_F_NESTED)).BeginNested(Nft.Data.VERDICT | Nl.NLA_F_NESTED)
            .U32BigEndian(Nft.Data.VERDICT_CODE, unchecked((uint)(int)verdict.Code));
        if (verdict.Chain is not null) writer.String(Nft.Data.VERDICT_CHAIN, verdict.Chain);
        writer.EndNested().EndNested();
    }

    public static NftData ReadValue(ReadOnlyMemory<byte> nested) =>
        new NftData(new AttributeReader(nested).ToDictionary().TryGetValue(Nft.Data.VALUE, out var v) ? v.Span : []);

    /// <summary>The verdict inside an NFTA_DATA nest, or null when it holds a plain value.</summary>
    public static Verdict? ReadVerdict(ReadOnlyMemory<byte> nested)
    {
        if (!new AttributeReader(nested).ToDictionary().TryGetValue(Nft.Data.VERDICT, out var verdict)) return null;
        var attrs = new AttributeReader(verdict).ToDictionary();
        var code = (VerdictCode)unchecked((int)AttributeValue.U32BigEndian(attrs[Nft.Data.VERDICT_CODE]));
        return new Verdict(code, attrs.TryGetValue(Nft.Data.VERDICT_CHAIN, out var chain) ? AttributeValue.String(chain) : null);
    }
}
