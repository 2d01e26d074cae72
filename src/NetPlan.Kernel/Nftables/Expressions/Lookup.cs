using NetPlan.Kernel.Netlink;

namespace NetPlan.Kernel.Nftables.Expressions;

/// <summary>
/// <c>lookup reg set NAME</c>: the rule continues only if the register is (or with
/// <see cref="Invert"/>, is not) an element of the named set; with <see cref="Destination"/> it
/// is a map lookup that loads the element's data.
/// </summary>
public sealed record Lookup(string Set, Register Source = Register.R1, bool Invert = false, Register? Destination = null) : Expression
{
    private const uint NFT_LOOKUP_F_INV = 1;

    public override string Kind => "lookup";

    public override string ToString() => $"lookup {Reg.Name(Source)} {(Invert ? "not in" : "in")} set {Set}{(Destination is { } d ? $" => {Reg.Name(d)}" : "")}";

    internal override void EncodeData(MessageWriter writer, EncodingContext context)
    {
        writer.U32BigEndian(Nft.Lookup.SREG, (uint)Source);
        if (Destination is { } dreg) writer.U32BigEndian(Nft.Lookup.DREG, (uint)dreg);
        writer.String(Nft.Lookup.SET, Set);
        // A set created in the same batch is also named by its batch id, as nft does.
        if (context.SetIdOf(Set) is { } id) writer.U32BigEndian(Nft.Lookup.SET_ID, id);
        if (Invert) writer.U32BigEndian(Nft.Lookup.FLAGS, NFT_LOOKUP_F_INV);
    }

    internal static Lookup Decode(Dictionary<ushort, ReadOnlyMemory<byte>> a) => new(
        AttributeValue.String(a[Nft.Lookup.SET]),
        (Register)AttributeValue.U32BigEndian(a[Nft.Lookup.SREG]),
        a.TryGetValue(Nft.Lookup.FLAGS, out var flags) && (AttributeValue.U32BigEndian(flags) & NFT_LOOKUP_F_INV) != 0,
        a.TryGetValue(Nft.Lookup.DREG, out var dreg) ? (Register)AttributeValue.U32BigEndian(dreg) : null);
}
