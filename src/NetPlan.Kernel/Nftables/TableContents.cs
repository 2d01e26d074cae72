namespace NetPlan.Kernel.Nftables;

/// <summary>
/// Everything in one table: what <see cref="NftablesClient.ReplaceTable"/> writes and
/// <see cref="NftablesClient.ReadTable"/> returns, so the two compare directly. Chains and rules
/// are ordered (rule order is evaluation order); sets compare regardless of element order.
/// </summary>
public sealed record TableContents(Table Table, IReadOnlyList<Chain> Chains, IReadOnlyList<Rule> Rules, IReadOnlyList<NftSet> Sets)
{
    public static TableContents Empty(Table table) => new(table, [], [], []);

    public bool Equals(TableContents? other) => other is not null && Differences(other).Count == 0;
    public override int GetHashCode() => HashCode.Combine(Table, Chains.Count, Rules.Count, Sets.Count);

    /// <summary>
    /// Readable differences from <paramref name="actual"/> ("rule missing: ..."), empty when equal.
    /// Chains and sets compare by name regardless of order; rules in order per chain.
    /// </summary>
    public IReadOnlyList<string> Differences(TableContents actual)
    {
        var result = new List<string>();
        if (Table != actual.Table) result.Add($"table: expected {Table}, found {actual.Table}");
        Compare(Chains, actual.Chains, c => c.Name, "chain", result);
        Compare(Sets, actual.Sets, s => s.Name, "set", result);
        foreach (var chain in Chains.Select(c => c.Name).Union(actual.Chains.Select(c => c.Name)))
        {
            var want = Rules.Where(r => r.Chain == chain).ToList();
            var have = actual.Rules.Where(r => r.Chain == chain).ToList();
            if (want.SequenceEqual(have)) continue;
            foreach (var r in want.Except(have)) result.Add($"rule missing: {r}");
            foreach (var r in have.Except(want)) result.Add($"rule unexpected: {r}");
            if (want.Count == have.Count && !want.Except(have).Any()) result.Add($"rules of chain {chain} out of order");
        }
        return result;
    }

    private static void Compare<T>(IReadOnlyList<T> want, IReadOnlyList<T> have, Func<T, string> name, string what, List<string> result)
        where T : notnull
    {
        foreach (var w in want)
        {
            var h = have.FirstOrDefault(x => name(x) == name(w));
            if (h is null) result.Add($"{what} missing: {w}");
            else if (!w.Equals(h)) result.Add($"{what} differs: expected {w}, found {h}");
        }
        foreach (var h in have.Where(h => want.All(w => name(w) != name(h)))) result.Add($"{what} unexpected: {h}");
    }
}
