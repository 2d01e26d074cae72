using System.Text.Json.Serialization;
using NetPlan.Core.Planning;

namespace NetPlan.Core.State;

/// <summary>What an agent does when an operation fails: undo what it already did on that host (default), or keep it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OnFailure>))]
public enum OnFailure { Rollback, Keep }

/// <summary>
/// How a rollback after a failed operation went: how many undo steps ran, and every step that
/// failed (the rest still ran), each naming the object and the kernel's words.
/// </summary>
public sealed record RollbackReport(int Undone, IReadOnlyList<UndoFailure> Failures)
{
    public bool Complete => Failures.Count == 0;
}

/// <summary>An undo step that failed or was refused (a foreign object in the way is never touched).</summary>
public sealed record UndoFailure(ChangeAction Action, string Key, string Message);
