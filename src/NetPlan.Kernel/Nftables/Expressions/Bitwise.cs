using NetPlan.Kernel.Netlink;

namespace NetPlan.Kernel.Nftables.Expressions;

/// <summary><c>bitwise reg = (reg &amp; MASK) ^ XOR</c>: how nft tests flag sets such as ct state.</summary>
public sealed record Bitwise(uint Length, NftData Mask, NftData Xor, Register Source = Register.R1, Register Destination = Register.R1) : Expression
{
    public override string Kind => "bitwise";

    public override string ToString() => $"bitwise {Reg.Name(Destination)} = ({Reg.Name(Source)} & {Mask}) ^ {Xor}";

    internal override void EncodeData(MessageWriter writer, EncodingContext context)
    {
        writer.U32BigEndian(Nft.Bitwise.SREG, (uint)Source)
            .U32BigEndian(Nft.Bitwise.DREG, (uint)Destination)
            .U32BigEndian(Nft.Bitwise.LEN, Length);
        DataAttribute.Value(writer, Nft.Bitwise.MASK, Mask);
        DataAttribute.Value(writer, Nft.Bitwise.XOR, Xor);
    }

    internal static Expression Decode(Dictionary<ushort, ReadOnlyMemory<byte>> a, ReadOnlyMemory<byte> raw)
    {
        // Only the boolean form (OP absent or NFT_BITWISE_BOOL = 0) is modelled; shifts stay opaque.
        if (a.TryGetValue(Nft.Bitwise.OP, out var op) && AttributeValue.U32BigEndian(op) != 0)
            return new OpaqueExpression("bitwise", new NftData(raw.Span));
        return new Bitwise(
            AttributeValue.U32BigEndian(a[Nft.Bitwise.LEN]),
            DataAttribute.ReadValue(a[Nft.Bitwise.MASK]),
            DataAttribute.ReadValue(a[Nft.Bitwise.XOR]),
            (Register)AttributeValue.U32BigEndian(a[Nft.Bitwise.SREG]),
            (Register)AttributeValue.U32BigEndian(a[Nft.Bitwise.DREG]));
    }
}
