namespace NetPlan.Kernel.Nftables;

/// <summary>NFPROTO_* families a table can belong to.</summary>
public enum TableFamily : byte { Inet = 1, Ip = 2, Bridge = 7, Ip6 = 10 }

[Flags]
public enum TableFlags : uint
{
    None = 0,
    /// <summary>NFT_TABLE_F_DORMANT: hooks not registered.</summary>
    Dormant = 1,
    /// <summary>NFT_TABLE_F_OWNER: removed when the creating socket closes. Not for NetPlan tables, which outlive the agent.</summary>
    Owner = 2,
}

/// <summary>
/// An nftables table: the unit NetPlan owns (one per topology) and replaces whole. The comment
/// (<c>nft list</c> shows it) is where an ownership mark such as <c>netplan:&lt;topology&gt;</c> goes,
/// so a same-named table someone else made can be told apart from an owned one.
/// </summary>
public sealed record Table(string Name, TableFamily Family = TableFamily.Inet, TableFlags Flags = TableFlags.None, string? Comment = null)
{
    public override string ToString() => $"table {Family.ToString().ToLowerInvariant()} {Name}";
}
