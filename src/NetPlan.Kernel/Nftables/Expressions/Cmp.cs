using NetPlan.Kernel.Netlink;

namespace NetPlan.Kernel.Nftables.Expressions;

public enum CmpOp : uint { Eq = 0, Neq = 1, Lt = 2, Lte = 3, Gt = 4, Gte = 5 }

/// <summary><c>cmp OP reg DATA</c>: the rule stops here unless the register compares true.</summary>
public sealed record Cmp(CmpOp Op, NftData Data, Register Source = Register.R1) : Expression
{
    public override string Kind => "cmp";

    public override string ToString() => $"cmp {Op.ToString().ToLowerInvariant()} {Reg.Name(Source)} {Data}";

    internal override void EncodeData(MessageWriter writer, EncodingContext context)
    {
        writer.U32BigEndian(Nft.Cmp.SREG, (uint)Source).U32BigEndian(Nft.Cmp.OP, (uint)Op);
        DataAttribute.Value(writer, Nft.Cmp.DATA, Data);
    }

    internal static Cmp Decode(Dictionary<ushort, ReadOnlyMemory<byte>> a) => new(
        (CmpOp)AttributeValue.U32BigEndian(a[Nft.Cmp.OP]),
        DataAttribute.ReadValue(a[Nft.Cmp.DATA]),
        (Register)AttributeValue.U32BigEndian(a[Nft.Cmp.SREG]));
}
