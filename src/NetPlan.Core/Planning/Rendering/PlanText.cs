using System.Text;
using NetPlan.Core.State;

namespace NetPlan.Core.Planning.Rendering;

/// <summary>
/// The human plan, Terraform-style and colourless (the CLI colours it): per node a header, then per
/// operation a symbol line (<c>+</c> create, <c>~</c> update, <c>-/+</c> replace, <c>-</c> delete)
/// and its attribute lines, ending with <c>Plan: N to add, M to change, K to destroy.</c>
/// </summary>
public static class PlanText
{
    public const string NoChanges = "No changes. The hosts match the topology.";

    public static string Render(IReadOnlyList<HostPlan> hosts)
    {
        var summary = PlanSummary.Of(hosts);
        if (summary.IsEmpty) return NoChanges + "\n";

        var text = new StringBuilder();
        foreach (var host in hosts)
        {
            if (host.Operations.Count == 0)
            {
                text.Append("Node ").Append(host.Node).Append(": no changes.\n\n");
                continue;
            }
            var counts = PlanSummary.Of(host.Operations);
            text.Append($"Node {host.Node}: {counts.Add} to add, {counts.Change} to change, {counts.Destroy} to destroy\n");
            foreach (var op in host.Operations) RenderOperation(text, op);
            text.Append('\n');
        }
        text.Append(Footer(summary)).Append('\n');
        return text.ToString();
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

    /// <summary>How a key reads in the plan: <c>link:@host/npb…</c> → <c>link @host/npb…</c>.</summary>
    public static string Address(Operation op)
    {
        var obj = (op.After ?? op.Before)!;
        var colon = op.Key.IndexOf(':');
        var address = op.Key[..colon] + " " + op.Key[(colon + 1)..];
        return obj is LinkObject link ? $"{address} ({link.Kind.ToString().ToLowerInvariant()})" : address;
    }

    private static void RenderOperation(StringBuilder text, Operation op)
    {
        text.Append("  ").Append(Symbol(op.Action)).Append(' ').Append(Address(op));
        if (op.ImpliedBy is not null) text.Append("  # implied by ").Append(op.ImpliedBy);
        text.Append('\n');

        switch (op.Action)
        {
            case ChangeAction.Create:
                var shown = Attributes.Shown(op.After!).ToList();
                var width = shown.Count == 0 ? 0 : shown.Max(kv => kv.Key.Length);
                foreach (var (path, value) in shown)
                    text.Append("      + ").Append((path + ":").PadRight(width + 1)).Append(' ').Append(value).Append('\n');
                break;
            case ChangeAction.Update or ChangeAction.Replace:
                var before = Attributes.Of(op.Before);
                var after = Attributes.Of(op.After);
                var forcing = StateComparer.Compare(op.Before!, op.After!).Where(c => c.ForcesReplacement).Select(c => c.Path).ToHashSet();
                foreach (var path in op.Changed)
                {
                    text.Append("      ~ ").Append(path).Append(": ")
                        .Append(ValueAt(before, path)).Append(" → ").Append(ValueAt(after, path));
                    if (op.Action == ChangeAction.Replace && forcing.Contains(path)) text.Append("  # forces replacement");
                    text.Append('\n');
                }
                break;
        }
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
