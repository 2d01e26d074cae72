using NetPlan.Kernel.Netlink;

namespace NetPlan.Kernel.Nftables.Expressions;

/// <summary>
/// An expression this library does not model, read from the kernel (someone added a rule by
/// hand). Kept with its raw attributes so it still compares unequal to anything NetPlan wrote,
/// which is exactly what drift detection needs; it is never written.
/// </summary>
public sealed record OpaqueExpression(string Name, NftData Attributes) : Expression
{
    public override string Kind => Name;

    public override string ToString() => $"{Name} {Attributes}";

    internal override void EncodeData(MessageWriter writer, EncodingContext context) =>
        throw new InvalidOperationException($"the '{Name}' expression was read from the kernel and cannot be written back");
}
