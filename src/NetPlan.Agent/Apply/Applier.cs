using NetPlan.Agent.Firewall;
using NetPlan.Agent.Observe;
using NetPlan.Core.Planning;
using NetPlan.Core.State;
using NetPlan.Kernel;
using NetPlan.Kernel.Namespaces;

namespace NetPlan.Agent.Apply;

/// <summary>
/// Executes a host's operations in order. Operations implied by another (ImpliedBy set) are not
/// executed: the kernel removes those objects itself. A run of link deletions that is exactly one
/// owned link group is executed as one group delete (one RCU wait instead of one per link).
/// </summary>
internal sealed class Applier(NamespaceConnections connections, string etcNetnsDirectory, Action<int, Operation>? beforeOperation = null)
{
    private readonly LinkApplier _links = new(connections);
    private readonly SimpleObjectApplier _simple = new(connections, etcNetnsDirectory);
    private readonly FirewallTables _firewall = new(connections);

    /// <summary>Set while a Replace runs once its delete half is done: a failure then has removed the old object.</summary>
    private bool _replacedObjectGone;

    public ApplyResult Apply(IReadOnlyList<Operation> operations, OnFailure onFailure, CancellationToken cancellationToken)
    {
        var done = new DoneOperations(operations);
        var executed = 0;
        for (var i = 0; i < operations.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var operation = operations[i];
            _replacedObjectGone = false;
            try
            {
                beforeOperation?.Invoke(i, operation);
                if (GroupDeletion.TryFind(operations, i, out var run))
                {
                    for (var j = i + 1; j <= run.LastIndex; j++) beforeOperation?.Invoke(j, operations[j]);
                    if (_links.TryDeleteGroup(run))
                    {
                        executed += run.Executed;
                        done.MarkGroup(i, run);
                        i = run.LastIndex;
                        continue;
                    }
                }
                if (operation.ImpliedBy is not null) continue;
                Execute(operation);
                done.Mark(i);
                executed++;
            }
            catch (Exception e) when (e is KernelException or ArgumentException or IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                var failure = new ApplyException(operation, i, Describe(operation, e), e);
                if (onFailure == OnFailure.Keep) throw failure;
                // The failed operation's own partial effect first: a replace that removed the old object puts it back.
                // A deleted namespace's veths vanish asynchronously: recreating one would meet its old self.
                try { AwaitImpliedLinkRemovals(done.InOrder().ToList(), CancellationToken.None); }
                catch (ApplyException) { } // still there after the bound: the step recreating it reports that
                var partial = _replacedObjectGone ? [new Operation(ChangeAction.Create, null, operation.Before)] : Array.Empty<Operation>();
                var rollback = new Rollback(this, new Observer(connections, etcNetnsDirectory))
                    .Run([.. partial, .. Undo.Of(done.InOrder())], operations);
                throw new ApplyException(operation, i, failure.Message, e) { Rollback = rollback };
            }
        }
        AwaitImpliedLinkRemovals(operations, cancellationToken);
        return new ApplyResult(executed);
    }

    /// <summary>
    /// Deleting a namespace removes the veths into it asynchronously (the kernel's cleanup_net
    /// work), so their ends outside it linger for some milliseconds. Wait for them, bounded, so
    /// that an applied plan means the objects are gone and verification never races the kernel.
    /// </summary>
    private void AwaitImpliedLinkRemovals(IReadOnlyList<Operation> operations, CancellationToken cancellationToken)
    {
        var deletedNamespaces = operations
            .Where(o => o.Action == ChangeAction.Delete && o.Before is NamespaceObject)
            .Select(o => ((NamespaceObject)o.Before!).Name)
            .ToHashSet();
        var lingering = operations
            .Select((op, index) => (op, index))
            .Where(x => x.op is { ImpliedBy: not null, Before: LinkObject link } && !deletedNamespaces.Contains(((LinkObject)x.op.Before!).Namespace))
            .ToList();
        var deadline = DateTime.UtcNow + ImpliedRemovalTimeout;
        foreach (var (op, index) in lingering)
        {
            var link = (LinkObject)op.Before!;
            while (connections.For(link.Namespace).Link(link.Name) is not null)
            {
                if (DateTime.UtcNow > deadline)
                    throw new ApplyException(op, index,
                        $"deleting {op.Key}: still present {ImpliedRemovalTimeout.TotalSeconds:0} s after {op.ImpliedBy} was deleted");
                cancellationToken.ThrowIfCancellationRequested();
                Thread.Sleep(5);
            }
        }
    }

    private static readonly TimeSpan ImpliedRemovalTimeout = TimeSpan.FromSeconds(10);

    internal void Execute(Operation operation)
    {
        switch (operation.Action)
        {
            case ChangeAction.Create:
                Create(operation.After!);
                break;
            case ChangeAction.Delete:
                Delete(operation.Before!);
                break;
            case ChangeAction.Replace:
                Delete(operation.Before!);
                _replacedObjectGone = true;
                Create(operation.After!);
                break;
            case ChangeAction.Update:
                Update(operation.Before!, operation.After!);
                break;
        }
    }

    private void Create(StateObject o)
    {
        switch (o)
        {
            case NamespaceObject ns: _simple.CreateNamespace(ns); break;
            case LinkObject link: _links.Create(link); break;
            case FirewallTableObject table: _firewall.Write(table); break;
            default: _simple.Create(o); break;
        }
    }

    private void Delete(StateObject o)
    {
        switch (o)
        {
            case NamespaceObject ns: connections.Delete(ns.Name); break;
            case LinkObject link: _links.Delete(link); break;
            case FirewallTableObject table: _firewall.Delete(table); break;
            default: _simple.Delete(o); break;
        }
    }

    private void Update(StateObject before, StateObject after)
    {
        switch (after)
        {
            case NamespaceObject ns: _simple.UpdateNamespace(ns); break;
            case LinkObject link: _links.Update((LinkObject)before, link); break;
            case FirewallTableObject table: _firewall.Write(table); break; // one transaction replaces the whole table
            default: _simple.Update(before, after); break;
        }
    }

    /// <summary>The kernel's words are already in a KernelException's message ("creating veth x: File exists (kernel: ...)").</summary>
    internal static string Describe(Operation operation, Exception e) => e switch
    {
        KernelException => e.Message,
        _ => $"{Verb(operation.Action)} {operation.Key}: {e.Message}",
    };

    internal static string Verb(ChangeAction action) => action switch
    {
        ChangeAction.Create => "creating",
        ChangeAction.Update => "updating",
        ChangeAction.Replace => "replacing",
        _ => "deleting",
    };
}

/// <summary>
/// A run of consecutive link deletions in one namespace sharing one nonzero group. Links whose
/// deletion is implied (a veth whose sandbox namespace goes) belong to the run too: the kernel
/// would remove them only asynchronously after the namespace, one RCU wait each, while one group
/// delete removes them all at once, and leaves the namespaces empty and cheap to delete.
/// </summary>
internal sealed record GroupDeletion(string Namespace, uint Group, IReadOnlyList<LinkObject> Links, int LastIndex, int Executed)
{
    public int Count => Links.Count;

    public static bool TryFind(IReadOnlyList<Operation> operations, int start, out GroupDeletion run)
    {
        run = null!;
        if (operations[start] is not { Action: ChangeAction.Delete, Before: LinkObject { Group: not 0 } first }) return false;
        var links = new List<LinkObject> { first };
        var last = start;
        var executed = operations[start].ImpliedBy is null ? 1 : 0;
        for (var i = start + 1; i < operations.Count; i++)
        {
            var op = operations[i];
            var sameGroup = op is { Action: ChangeAction.Delete, Before: LinkObject link } && link.Namespace == first.Namespace && link.Group == first.Group;
            if (!sameGroup && op.ImpliedBy is not null) { last = i; continue; } // skipped anyway; does not break the run
            if (!sameGroup) break;
            links.Add((LinkObject)op.Before!);
            if (op.ImpliedBy is null) executed++;
            last = i;
        }
        if (links.Count < 2) return false;
        run = new GroupDeletion(first.Namespace, first.Group, links, last, executed);
        return true;
    }
}
