namespace NetPlan.Core.Planning;

/// <summary>
/// Terraform's counts: a replacement counts once in <see cref="Add"/> and once in
/// <see cref="Destroy"/>; implied deletes count as destroyed (they are, by another operation).
/// </summary>
public sealed record PlanSummary(int Add, int Change, int Destroy)
{
    public bool IsEmpty => Add == 0 && Change == 0 && Destroy == 0;

    public static PlanSummary Of(IEnumerable<Operation> operations)
    {
        int add = 0, change = 0, destroy = 0;
        foreach (var op in operations)
        {
            switch (op.Action)
            {
                case ChangeAction.Create: add++; break;
                case ChangeAction.Update: change++; break;
                case ChangeAction.Replace: add++; destroy++; break;
                case ChangeAction.Delete: destroy++; break;
            }
        }
        return new PlanSummary(add, change, destroy);
    }

    public static PlanSummary Of(IEnumerable<HostPlan> hosts) => Of(hosts.SelectMany(h => h.Operations));
}
