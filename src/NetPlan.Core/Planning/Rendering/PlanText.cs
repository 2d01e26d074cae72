using System.Text;
using NetPlan.Core.State;

namespace NetPlan.Core.Planning.Rendering;

/// <summary>What a line of the text plan is, so a terminal front end can colour it without parsing.</summary>
public enum PlanLineKind { NodeHeader, Create, Update, Replace, Delete, ImpliedDelete, Attribute, Blank, Summary, NoChanges }

/// <summary>One line of the text plan (without its newline).</summary>
public readonly record struct PlanLine(PlanLineKind Kind, string Text);

/// <summary>
/// The human plan, Terraform-style and colourless (the CLI colours it by <see cref="PlanLineKind"/>):
/// per node a header, then per operation a symbol line (<c>+</c> create, <c>~</c> update,
/// <c>-/+</c> replace, <c>-</c> delete) and its attribute lines, ending with
/// <c>Plan: N to add, M to change, K to destroy.</c>
/// </summary>
public static class PlanText
{
    public const string NoChanges = "No changes. The hosts match the topology.";

    public static string Render(IReadOnlyList<HostPlan> hosts)
    {
        var text = new StringBuilder();
        foreach (var line in Lines(hosts)) text.Append(line.Text).Append('\n');
        return text.ToString();
    }

    public static IEnumerable<PlanLine> Lines(IReadOnlyList<HostPlan> hosts)
    {
        var summary = PlanSummary.Of(hosts);
        if (summary.IsEmpty)
        {
            yield return new PlanLine(PlanLineKind.NoChanges, NoChanges);
            yield break;
        }
        foreach (var host in hosts)
        {
            if (host.Operations.Count == 0)
            {
                yield return new PlanLine(PlanLineKind.NodeHeader, $"Node {host.Node}: no changes.");
                yield return new PlanLine(PlanLineKind.Blank, "");
                continue;
            }
            var counts = PlanSummary.Of(host.Operations);
            yield return new PlanLine(PlanLineKind.NodeHeader,
                $"Node {host.Node}: {counts.Add} to add, {counts.Change} to change, {counts.Destroy} to destroy");
            foreach (var op in host.Operations)
                foreach (var line in OperationLines(op))
                    yield return line;
            yield return new PlanLine(PlanLineKind.Blank, "");
        }
        yield return new PlanLine(PlanLineKind.Summary, Footer(summary));
    }

    public static string Footer(PlanSummary summary) =>
        $"Plan: {summary.Add} to add, {summary.Change} to change, {summary.Destroy} to destroy.";

    public static string Symbol(ChangeAction action) => action switch
    {
        ChangeAction.Create => "+",
        ChangeAction.Update => "~",
        ChangeAction.Replace => "-/+",
        ChangeAction.Delete => "-",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };

    /// <summary>How a key reads in the plan: <c>link:@host/npb…</c> → <c>link @host/npb… (bridge)</c>.</summary>
    public static string Address(Operation op)
    {
        var obj = (op.After ?? op.Before)!;
        var colon = op.Key.IndexOf(':');
        var address = op.Key[..colon] + " " + op.Key[(colon + 1)..];
        return obj is LinkObject link ? $"{address} ({link.Kind.ToString().ToLowerInvariant()})" : address;
    }

    private static IEnumerable<PlanLine> OperationLines(Operation op)
    {
        var kind = op switch
        {
            { ImpliedBy: not null } => PlanLineKind.ImpliedDelete,
            { Action: ChangeAction.Create } => PlanLineKind.Create,
            { Action: ChangeAction.Update } => PlanLineKind.Update,
            { Action: ChangeAction.Replace } => PlanLineKind.Replace,
            _ => PlanLineKind.Delete,
        };
        var head = $"  {Symbol(op.Action)} {Address(op)}";
        yield return new PlanLine(kind, op.ImpliedBy is null ? head : $"{head}  # implied by {op.ImpliedBy}");

        if ((op.After ?? op.Before) is FirewallTableObject)
        {
            foreach (var line in FirewallLines(op)) yield return line;
            yield break;
        }
        switch (op.Action)
        {
            case ChangeAction.Create:
                var shown = Attributes.Shown(op.After!).ToList();
                var width = shown.Count == 0 ? 0 : shown.Max(kv => kv.Key.Length);
                foreach (var (path, value) in shown)
                    yield return new PlanLine(PlanLineKind.Attribute, $"      + {(path + ":").PadRight(width + 1)} {value}");
                break;
            case ChangeAction.Update or ChangeAction.Replace:
                var before = Attributes.Of(op.Before);
                var after = Attributes.Of(op.After);
                var forcing = StateComparer.Compare(op.Before!, op.After!).Where(c => c.ForcesReplacement).Select(c => c.Path).ToHashSet();
                foreach (var path in op.Changed)
                {
                    var line = $"      ~ {path}: {ValueAt(before, path)} → {ValueAt(after, path)}";
                    if (op.Action == ChangeAction.Replace && forcing.Contains(path)) line += "  # forces replacement";
                    yield return new PlanLine(PlanLineKind.Attribute, line);
                }
                break;
        }
    }

    /// <summary>
    /// A firewall table reads as the rules that change, in nft's syntax: all of them when it is
    /// created, the added (<c>+</c>) and removed (<c>-</c>) ones when it changes; nothing is listed
    /// for a deletion (the whole table goes).
    /// </summary>
    private static IEnumerable<PlanLine> FirewallLines(Operation op)
    {
        if (op.Action == ChangeAction.Delete) yield break;
        var after = (FirewallTableObject)op.After!;
        var before = op.Before as FirewallTableObject;
        var beforeChains = before?.Chains.Select(c => c.ToString()).ToList() ?? [];
        var afterChains = after.Chains.Select(c => c.ToString()).ToList();
        var beforeRules = before?.Rules.Select(r => r.ToString()).ToList() ?? [];
        var afterRules = after.Rules.Select(r => r.ToString()).ToList();
        foreach (var line in Removed(beforeChains, afterChains)) yield return new PlanLine(PlanLineKind.Attribute, $"      - {line}");
        foreach (var line in Removed(afterChains, beforeChains)) yield return new PlanLine(PlanLineKind.Attribute, $"      + {line}");
        var removed = Removed(beforeRules, afterRules).ToList();
        var added = Removed(afterRules, beforeRules).ToList();
        foreach (var line in removed) yield return new PlanLine(PlanLineKind.Attribute, $"      - rule {line}");
        foreach (var line in added) yield return new PlanLine(PlanLineKind.Attribute, $"      + rule {line}");
        if (before is not null && removed.Count == 0 && added.Count == 0 && !beforeRules.SequenceEqual(afterRules))
            yield return new PlanLine(PlanLineKind.Attribute, "      ~ rules: same rules, new order");
    }

    /// <summary>The lines of <paramref name="from"/> not in <paramref name="other"/>, counting duplicates, in order.</summary>
    private static IEnumerable<string> Removed(List<string> from, List<string> other)
    {
        var left = other.GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
        foreach (var line in from)
        {
            if (left.TryGetValue(line, out var n) && n > 0) { left[line] = n - 1; continue; }
            yield return line;
        }
    }

    /// <summary>Each changed attribute of an update or replace with its values: <c>mtu 1500 → 1450</c> (before → after).</summary>
    public static IEnumerable<string> ChangedValues(Operation op)
    {
        var before = Attributes.Of(op.Before);
        var after = Attributes.Of(op.After);
        return op.Changed.Select(path => $"{path} {ValueAt(before, path)} → {ValueAt(after, path)}");
    }

    /// <summary>A leaf value, or for a whole sub-object (<c>peer</c>, <c>vxlan</c>) its fields in one line.</summary>
    private static string ValueAt(IReadOnlyDictionary<string, string> values, string path)
    {
        if (values.TryGetValue(path, out var value)) return value;
        var nested = values.Where(kv => kv.Key.StartsWith(path + ".", StringComparison.Ordinal))
            .Select(kv => $"{kv.Key[(path.Length + 1)..]}={kv.Value}").ToList();
        return nested.Count == 0 ? "(none)" : "{" + string.Join(", ", nested) + "}";
    }
}
