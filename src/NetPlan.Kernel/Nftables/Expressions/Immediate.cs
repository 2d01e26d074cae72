using NetPlan.Kernel.Netlink;

namespace NetPlan.Kernel.Nftables.Expressions;

/// <summary>
/// <c>immediate reg = DATA</c> or the rule's verdict (<c>immediate reg 0 accept</c>). Exactly one
/// of <see cref="Data"/> and <see cref="Verdict"/> is set; use the factories.
/// </summary>
public sealed record Immediate : Expression
{
    private Immediate(Register destination, NftData? data, Verdict? verdict)
    {
        Destination = destination;
        Data = data;
        Verdict = verdict;
    }

    public Register Destination { get; }
    public NftData? Data { get; }
    public Verdict? Verdict { get; }

    public static Immediate Load(Register destination, NftData data) => new(destination, data, null);
    public static Immediate Of(Verdict verdict) => new(Register.Verdict, null, verdict);

    public override string Kind => "immediate";

    public override string ToString() => Verdict is not null ? $"immediate reg 0 {Verdict}" : $"immediate {Reg.Name(Destination)} {Data}";

    internal override void EncodeData(MessageWriter writer, EncodingContext context)
    {
        writer.U32BigEndian(Nft.Immediate.DREG, (uint)Destination);
        if (Verdict is not null) DataAttribute.Verdict(writer, Nft.Immediate.DATA, Verdict);
        else DataAttribute.Value(writer, Nft.Immediate.DATA, Data!);
    }

    internal static Immediate Decode(Dictionary<ushort, ReadOnlyMemory<byte>> a)
    {
        var destination = (Register)AttributeValue.U32BigEndian(a[Nft.Immediate.DREG]);
        var verdict = DataAttribute.ReadVerdict(a[Nft.Immediate.DATA]);
        return verdict is not null ? new(destination, null, verdict) : new(destination, DataAttribute.ReadValue(a[Nft.Immediate.DATA]), null);
    }
}
