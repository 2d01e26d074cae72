using NetPlan.Kernel.Netlink;
using NetPlan.Kernel.Nftables.Wire;

namespace NetPlan.Kernel.Nftables;

/// <summary>
/// nftables over netlink for one network namespace: atomic table replacement, incremental adds,
/// and reading a table back into the same typed objects it was written from. Only the named
/// table is ever touched; every other table (the host's firewall, other topologies) is left alone.
/// </summary>
public sealed class NftablesClient(NetlinkSocket socket) : IDisposable
{
    /// <summary>A client for the calling thread's network namespace.</summary>
    public static NftablesClient Open() => new(NetlinkSocket.Open(NetlinkSocket.NETLINK_NETFILTER));

    /// <summary>A client for the network namespace at <paramref name="netnsPath"/> (e.g. <c>/run/netns/web</c>).</summary>
    public static NftablesClient OpenIn(string netnsPath) => new(NetlinkSocket.OpenIn(netnsPath, NetlinkSocket.NETLINK_NETFILTER));

    private const int ERESTART = 85;

    /// <summary>
    /// Sends the transaction as one batch; throws <see cref="KernelException"/> naming the refused
    /// command. With <paramref name="expectedGeneration"/> (from <see cref="Generation"/>, read
    /// before observing), the kernel applies the batch only if no one changed the namespace's
    /// ruleset since: optimistic concurrency checked inside the transaction itself.
    /// </summary>
    public void Commit(NftTransaction transaction, uint? expectedGeneration = null)
    {
        if (transaction.Count == 0) return;
        try
        {
            socket.SendBatch(transaction.ToBatch(expectedGeneration), transaction.Describe);
        }
        catch (KernelException e) when (e.Errno == ERESTART && expectedGeneration is { } generation)
        {
            throw new KernelException(
                $"applying {transaction.Count} nftables commands: the ruleset changed after it was read (generation {generation}, now {Generation()})",
                e.Errno, e.KernelMessage);
        }
    }

    /// <summary>The ruleset generation of this namespace: it changes with every committed nftables transaction, anyone's.</summary>
    public uint Generation()
    {
        var reply = socket.Dump(NftMessages.GetGeneration(), "reading the nftables ruleset generation")
            .Single(m => NftDecoder.Is(m, Nft.NEWGEN));
        return AttributeValue.U32BigEndian(NftDecoder.Attributes(reply)[Nft.GEN_ID]);
    }

    /// <summary>Adds elements to an existing set of the table, in one transaction.</summary>
    public void AddElements(Table table, string set, IReadOnlyList<SetElement> elements) =>
        Commit(new NftTransaction().AddElements(table, set, elements));

    /// <summary>Makes the table hold exactly <paramref name="contents"/>, in one transaction (see <see cref="Commit"/> for the generation).</summary>
    public void ReplaceTable(TableContents contents, uint? expectedGeneration = null) =>
        Commit(new NftTransaction().ReplaceTable(contents), expectedGeneration);

    /// <summary>Deletes the table if it exists (idempotent: a missing table is created and deleted in the same transaction).</summary>
    public void DeleteTable(Table table) => Commit(new NftTransaction().AddTable(table with { Flags = TableFlags.None }).DeleteTable(table));

    /// <summary>Appends rules to existing chains in one transaction: adding one port costs one small message, not a rewrite.</summary>
    public void AddRules(Table table, IEnumerable<Rule> rules)
    {
        var transaction = new NftTransaction();
        foreach (var rule in rules) transaction.AddRule(table, rule);
        Commit(transaction);
    }

    private const int MaxSnapshotAttempts = 10;

    /// <summary>The table's contents as the kernel holds them, or null when it does not exist.</summary>
    public TableContents? ReadTable(Table table) => Snapshot(table).Contents;

    public TableContents? ReadTable(TableFamily family, string name) => Snapshot(family, name).Contents;

    /// <summary>
    /// The table's contents together with the ruleset generation they belong to. The table is read
    /// with several dumps; if a transaction (anyone's) lands in between, the generation moves and
    /// the read is repeated, so the contents are never a mix of two rulesets. Pass the generation
    /// to <see cref="ReplaceTable"/> to apply only if nothing changed since.
    /// </summary>
    public (TableContents? Contents, uint Generation) Snapshot(Table table) => Snapshot(table.Family, table.Name);

    public (TableContents? Contents, uint Generation) Snapshot(TableFamily family, string name)
    {
        for (var attempt = 1; ; attempt++)
        {
            var before = Generation();
            var contents = Read(family, name);
            if (Generation() == before) return (contents, before);
            if (attempt == MaxSnapshotAttempts)
                throw new KernelException($"reading table {family.ToString().ToLowerInvariant()} {name}: the ruleset changed during {MaxSnapshotAttempts} reads in a row", 11 /* EAGAIN */);
        }
    }

    private TableContents? Read(TableFamily family, string name)
    {
        var table = socket.Dump(NftMessages.Dump(Nft.GETTABLE, family), $"listing {family} tables")
            .Where(m => NftDecoder.Is(m, Nft.NEWTABLE)).Select(NftDecoder.Table)
            .FirstOrDefault(t => t.Name == name && t.Family == family);
        if (table is null) return null;

        var chains = socket.Dump(NftMessages.Dump(Nft.GETCHAIN, family), $"listing chains of {table}")
            .Where(m => NftDecoder.Is(m, Nft.NEWCHAIN)).Select(NftDecoder.Chain)
            .Where(c => c.Table == name).Select(c => c.Chain).ToList();

        var rules = socket.Dump(NftMessages.Dump(Nft.GETRULE, family).String(Nft.Rule.TABLE, name), $"listing rules of {table}")
            .Where(m => NftDecoder.Is(m, Nft.NEWRULE)).Select(NftDecoder.Rule)
            .Where(r => r.Table == name).Select(r => r.Rule).ToList();

        var sets = new List<NftSet>();
        var setReplies = socket.Dump(NftMessages.Dump(Nft.GETSET, family).String(Nft.Set.TABLE, name), $"listing sets of {table}")
            .Where(m => NftDecoder.Is(m, Nft.NEWSET)).Select(NftDecoder.Set).Where(s => s.Table == name);
        foreach (var (_, set) in setReplies)
        {
            var request = NftMessages.Dump(Nft.GETSETELEM, family)
                .String(Nft.SetElemList.TABLE, name)
                .String(Nft.SetElemList.SET, set.Name);
            var elements = socket.Dump(request, $"listing elements of set {set.Name} in {table}")
                .Where(m => NftDecoder.Is(m, Nft.NEWSETELEM)).SelectMany(NftDecoder.SetElements).ToList();
            sets.Add(set with { Elements = elements });
        }

        // Rules come back grouped by chain in chain order; keep them in the declared chain order.
        var ordered = chains.SelectMany(c => rules.Where(r => r.Chain == c.Name)).ToList();
        return new TableContents(table, chains, ordered, sets);
    }

    public void Dispose() => socket.Dispose();
}
