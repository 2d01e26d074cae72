using NetPlan.Kernel.Nftables.Expressions;

namespace NetPlan.Kernel.Nftables;

/// <summary>
/// A rule: the chain it belongs to, its expressions in order, and the comment <c>nft list</c>
/// shows (NetPlan writes which topology object the rule serves there). Compared by content.
/// </summary>
public sealed record Rule(string Chain, IReadOnlyList<Expression> Expressions, string? Comment = null)
{
    public bool Equals(Rule? other) =>
        other is not null && Chain == other.Chain && Comment == other.Comment && Expressions.SequenceEqual(other.Expressions);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Chain);
        hash.Add(Comment);
        foreach (var e in Expressions) hash.Add(e);
        return hash.ToHashCode();
    }

    public override string ToString() =>
        $"{Chain}: [ {string.Join(" ] [ ", Expressions)} ]{(Comment is null ? "" : $" comment \"{Comment}\"")}";
}
