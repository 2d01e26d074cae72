using NetPlan.Core.State;
using NetPlan.Kernel.Namespaces;
using NetPlan.Kernel.Nftables;

namespace NetPlan.Agent.Firewall;

/// <summary>
/// The host's nftables tables NetPlan reads and writes, through netlink in the host namespace.
/// A table is replaced whole in one kernel transaction and deleted only while it carries the
/// mark of the topology that planned it: a same-named table someone made in the meantime is refused.
/// </summary>
internal sealed class FirewallTables(NamespaceConnections connections)
{
    private NftablesClient Open() =>
        connections.HostNamespacePath is { } path ? NftablesClient.OpenIn(path) : NftablesClient.Open();

    public FirewallTableObject? Read(string family, string name)
    {
        using var nft = Open();
        return nft.ReadTable(FirewallForms.Family(family), name) is { } contents ? FirewallForms.FromKernel(contents) : null;
    }

    public void Write(FirewallTableObject table)
    {
        var owner = table.Owner ?? throw new ArgumentException($"{table.Key} has no owner to mark it with");
        var contents = FirewallForms.ToKernel(table);
        using var nft = Open();
        EnsureOursOrAbsent(nft, contents.Table, owner, $"writing {table.Key}");
        nft.ReplaceTable(contents);
    }

    public void Delete(FirewallTableObject table)
    {
        var owner = table.Owner ?? throw new ArgumentException($"{table.Key} has no owner");
        var kernelTable = new Table(table.Name, FirewallForms.Family(table.Family), Comment: Ownership.FirewallMark(owner));
        using var nft = Open();
        EnsureOursOrAbsent(nft, kernelTable, owner, $"deleting {table.Key}");
        nft.DeleteTable(kernelTable);
    }

    private static void EnsureOursOrAbsent(NftablesClient nft, Table table, string owner, string what)
    {
        var live = nft.ReadTable(table.Family, table.Name);
        if (live is not null && Ownership.OwnerFromFirewallComment(live.Table.Comment) != owner)
            throw new InvalidOperationException(
                $"{what}: the table exists and is not marked '{Ownership.FirewallMark(owner)}' (comment: {live.Table.Comment ?? "none"}); NetPlan will not touch it");
    }
}
