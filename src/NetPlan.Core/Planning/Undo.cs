using NetPlan.Core.State;

namespace NetPlan.Core.Planning;

/// <summary>
/// The operations that take a host back from after some operations to before them. Pure: the
/// agent uses it to roll back a failed apply, the CLI to roll back a host that succeeded when
/// another failed (<c>--atomic</c>).
/// </summary>
public static class Undo
{
    /// <summary>
    /// The inverses of <paramref name="done"/> (operations in plan order that took effect, including
    /// those whose effect was implied by another), last first. Plan order deletes dependents before
    /// what they depend on, so reversed, a namespace is created again before the veths and
    /// addresses that vanished with it.
    /// </summary>
    public static IReadOnlyList<Operation> Of(IEnumerable<Operation> done) =>
        done.Reverse().Select(Inverse).ToList();

    /// <summary>Create ↔ delete; update and replace swap before and after. The inverse is never implied: it must run.</summary>
    public static Operation Inverse(Operation operation) => operation.Action switch
    {
        ChangeAction.Create => new Operation(ChangeAction.Delete, operation.After, null),
        ChangeAction.Delete => new Operation(ChangeAction.Create, null, operation.Before),
        ChangeAction.Update => new Operation(ChangeAction.Update, operation.After, operation.Before) { Changed = operation.Changed },
        ChangeAction.Replace => new Operation(ChangeAction.Replace, operation.After, operation.Before) { Changed = operation.Changed },
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation.Action, "unknown action"),
    };
}
