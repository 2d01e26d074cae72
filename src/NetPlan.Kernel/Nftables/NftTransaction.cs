using NetPlan.Kernel.Netlink;
using NetPlan.Kernel.Nftables.Expressions;
using NetPlan.Kernel.Nftables.Wire;

namespace NetPlan.Kernel.Nftables;

/// <summary>
/// Commands for one kernel transaction. <see cref="NftablesClient.Commit"/> wraps them in
/// BATCH_BEGIN/BATCH_END and sends them as one datagram: the kernel applies all of them or none.
/// Each command carries a description, so a refusal names the object it was about.
/// </summary>
public sealed class NftTransaction
{
    private readonly List<(MessageWriter Message, string Description)> _commands = [];
    private readonly Dictionary<(string Table, string Set), uint> _setIds = [];

    public int Count => _commands.Count;

    /// <summary>Creates the table if it is missing; no-op if it exists.</summary>
    public NftTransaction AddTable(Table table) => Add(NftMessages.NewTable(table), $"creating {table}");

    /// <summary>Deletes the table and everything in it; the transaction fails if it does not exist.</summary>
    public NftTransaction DeleteTable(Table table) => Add(NftMessages.DelTable(table), $"deleting {table}");

    public NftTransaction AddChain(Table table, Chain chain) => Add(NftMessages.NewChain(table, chain), $"creating {chain.Name} in {table}");

    /// <summary>Creates the set and adds its elements; rules later in this transaction may look it up.</summary>
    public NftTransaction AddSet(Table table, NftSet set)
    {
        var id = (uint)_setIds.Count + 1;
        _setIds[(table.Name, set.Name)] = id;
        Add(NftMessages.NewSet(table, set, id), $"creating set {set.Name} in {table}");
        return AddElements(table, set.Name, set.Elements);
    }

    /// <summary>Adds elements to a set (created in this transaction or already in the kernel).</summary>
    public NftTransaction AddElements(Table table, string set, IReadOnlyList<SetElement> elements)
    {
        uint? id = _setIds.TryGetValue((table.Name, set), out var known) ? known : null;
        foreach (var message in NftMessages.NewSetElements(table, set, id, elements))
            Add(message, $"adding elements to set {set} in {table}");
        return this;
    }

    /// <summary>Appends the rule at the end of its chain.</summary>
    public NftTransaction AddRule(Table table, Rule rule)
    {
        var context = new EncodingContext(set => _setIds.TryGetValue((table.Name, set), out var id) ? id : null);
        return Add(NftMessages.NewRule(table, rule, context), $"adding rule to {table} chain {rule.Chain} ({rule.Comment ?? string.Join(", ", rule.Expressions.Select(e => e.Kind))})");
    }

    /// <summary>
    /// Adds the commands that make <paramref name="contents"/> the table's whole content, whatever
    /// it held: create the table if missing (so the delete cannot fail), delete it, create it
    /// again and fill it. Inside one transaction nobody ever sees the table half-written.
    /// </summary>
    public NftTransaction ReplaceTable(TableContents contents)
    {
        var table = contents.Table;
        AddTable(table with { Flags = TableFlags.None });
        DeleteTable(table);
        AddTable(table);
        foreach (var chain in contents.Chains) AddChain(table, chain);
        foreach (var set in contents.Sets) AddSet(table, set);
        foreach (var rule in contents.Rules) AddRule(table, rule);
        return this;
    }

    /// <summary>The complete batch (BATCH_BEGIN, commands, BATCH_END), unsequenced.</summary>
    internal IReadOnlyList<MessageWriter> ToBatch(uint? generation = null) =>
        [NftMessages.BatchBegin(generation), .. _commands.Select(c => c.Message), NftMessages.BatchEnd()];

    /// <summary>What message <paramref name="index"/> of <see cref="ToBatch"/> does, for error messages.</summary>
    internal string Describe(int index) =>
        index >= 1 && index <= _commands.Count ? _commands[index - 1].Description : $"nftables transaction of {_commands.Count} commands";

    private NftTransaction Add(MessageWriter message, string description)
    {
        _commands.Add((message, description));
        return this;
    }
}
