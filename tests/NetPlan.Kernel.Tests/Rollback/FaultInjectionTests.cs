using NetPlan.Core.Planning;
using NetPlan.Core.State;
using NetPlan.Tests;
using Xunit.Abstractions;

namespace NetPlan.Kernel.Tests.Rollback;

/// <summary>
/// Issue 8: for every operation index k of a representative plan, the kernel really refuses
/// operation k (a foreign object of the same name put in its way just before, or an object it
/// needs removed), and the agent's rollback leaves the host exactly as before the apply, plus the
/// foreign object, untouched. iproute2, nft and the file system are the witnesses.
/// </summary>
public class FaultInjectionTests(ITestOutputHelper output)
{
    /// <summary>
    /// A real obstacle to one operation. <see cref="Remove"/> is null when putting it takes away an
    /// object of ours (a link a sysctl belongs to), which the rollback then does not bring back.
    /// </summary>
    private sealed record Obstacle(string What, Action Put, Action? Remove, string KernelWords);

    /// <summary>The obstacle that makes the kernel refuse <paramref name="operation"/>, or null when none can be made safely.</summary>
    private static Obstacle? ObstacleFor(RollbackLab lab, Operation operation)
    {
        var host = lab.Host.Name;
        switch (operation.After)
        {
            case NamespaceObject ns:
                return new Obstacle($"foreign namespace {ns.Name}", () => ThrowawayNamespace.Run("ip", "netns", "add", ns.Name),
                    () => ThrowawayNamespace.Run("ip", "netns", "del", ns.Name), "File exists");
            case LinkObject { Namespace: "" } link:
                return new Obstacle($"foreign bridge {link.Name}", () => ThrowawayNamespace.Run("ip", "-n", host, "link", "add", link.Name, "address", "02:00:5e:00:53:01", "type", "bridge"),
                    () => ThrowawayNamespace.Run("ip", "-n", host, "link", "del", link.Name), "File exists");
            case AddressObject a:
                return new Obstacle($"foreign address {a.Cidr} on {a.Link}", () => ThrowawayNamespace.Run("ip", "-n", a.Namespace.Length == 0 ? host : a.Namespace, "addr", "add", a.Cidr, "dev", a.Link),
                    () => ThrowawayNamespace.Run("ip", "-n", a.Namespace.Length == 0 ? host : a.Namespace, "addr", "del", a.Cidr, "dev", a.Link), "File exists");
            case RouteObject r:
                return new Obstacle($"foreign route {r.Destination} in {r.Namespace}", () => ThrowawayNamespace.Run("ip", "-n", r.Namespace, "route", "add", r.Destination, "via", r.Gateway!, "dev", r.Device!),
                    () => ThrowawayNamespace.Run("ip", "-n", r.Namespace, "route", "del", r.Destination, "via", r.Gateway!, "dev", r.Device!), "File exists");
            case SysctlObject { Namespace: "" } s when s.Name.StartsWith("net.ipv4.conf.", StringComparison.Ordinal):
                // A per-link sysctl cannot be written once its link is gone: the bridge vanishes just before.
                var bridge = s.Name.Split('.')[3];
                return new Obstacle($"link {bridge} removed", () => ThrowawayNamespace.Run("ip", "-n", host, "link", "del", bridge), null, "No such file or directory");
            case FirewallTableObject t:
                return new Obstacle($"foreign table {t.Family} {t.Name}", () => lab.InHost("nft", "add", "table", t.Family, t.Name),
                    () => lab.InHost("nft", "delete", "table", t.Family, t.Name), "is not marked");
            case FileObject f:
                var parent = Path.GetDirectoryName(f.Path)!;
                var parentExisted = Directory.Exists(parent);
                return new Obstacle($"a directory at {f.Path}", () => Directory.CreateDirectory(f.Path), () =>
                {
                    Directory.Delete(f.Path);
                    if (!parentExisted && Directory.Exists(parent) && !Directory.EnumerateFileSystemEntries(parent).Any()) Directory.Delete(parent);
                }, "Is a directory");
            default:
                // The host-wide ip_forward write: nothing short of changing the machine's own /proc makes it fail.
                return null;
        }
    }

    [SkippableFact]
    public async Task A_refusal_at_every_operation_of_an_apply_from_empty_leaves_the_host_as_it_was_plus_the_obstacle()
    {
        Privileged.Require();
        await using var lab = new RollbackLab();
        var plan = await lab.PlanAsync(lab.Topology());
        for (var i = 0; i < plan.Count; i++) output.WriteLine($"{i}: {plan[i].Action} {plan[i].Key}");
        var pristine = lab.Snapshot();

        var skipped = new List<string>();
        for (var k = 0; k < plan.Count; k++)
        {
            var obstacle = ObstacleFor(lab, plan[k]);
            if (obstacle is null) { skipped.Add(plan[k].Key); continue; }
            await RefuseAndCheck(lab, plan, k, obstacle, pristine, expectedUndone: k);
        }
        Assert.Equal(["sysctl:@host/net.ipv4.ip_forward"], skipped);
        Assert.True(plan.Count >= 30, $"the plan has {plan.Count} operations");

        // And the same plan, unobstructed, applies completely afterwards: nothing was left in its way.
        await lab.Agent.ApplyAsync(plan);
        Assert.Equal([], await lab.PlanAsync(lab.Topology()));
    }

    [SkippableFact]
    public async Task A_refusal_after_deletions_and_updates_brings_back_what_was_deleted_including_what_vanished_with_it()
    {
        Privileged.Require();
        await using var lab = new RollbackLab();
        await lab.Agent.ApplyAsync(await lab.PlanAsync(lab.Topology()));
        var applied = lab.Snapshot();

        // A subnet change (addresses, gateway, routes, files change) and a removed sandbox (its
        // namespace goes, and with it its veth, address and route, implied).
        var plan = await lab.PlanAsync(lab.Topology(backSubnet: "10.93.0.0/24", withDb: false));
        for (var i = 0; i < plan.Count; i++) output.WriteLine($"{i}: {plan[i].Action} {plan[i].Key}{(plan[i].ImpliedBy is { } by ? " implied by " + by : "")}");
        Assert.Contains(plan, o => o is { Action: ChangeAction.Delete, Before: NamespaceObject });
        Assert.Contains(plan, o => o is { ImpliedBy: not null });
        Assert.Contains(plan, o => o.Action is ChangeAction.Update or ChangeAction.Replace);

        var lastDeletion = plan.Select((o, i) => (o, i)).Last(x => x.o.Action == ChangeAction.Delete).i;
        var refusable = Enumerable.Range(0, plan.Count)
            .Where(k => plan[k].Action == ChangeAction.Create && ObstacleFor(lab, plan[k]) is not null)
            .ToList();
        var late = refusable.Where(k => k > lastDeletion).ToList();
        Assert.True(late.Count >= 2, "the plan creates things after its deletions and updates");
        foreach (var k in late)
        {
            var expectedUndone = plan.Take(k).Count(o => o.ImpliedBy is null || WentWithADoneOperation(plan, k, o));
            await RefuseAndCheck(lab, plan, k, ObstacleFor(lab, plan[k])!, applied, expectedUndone);
        }
    }

    /// <summary>An implied operation before k took effect when what implies it ran before k.</summary>
    private static bool WentWithADoneOperation(IReadOnlyList<Operation> plan, int k, Operation implied) =>
        plan.Take(k).Any(o => o.Key == implied.ImpliedBy && o.ImpliedBy is null);

    private async Task RefuseAndCheck(RollbackLab lab, IReadOnlyList<Operation> plan, int k, Obstacle obstacle, string before, int expectedUndone)
    {
        var context = $"operation {k} ({plan[k].Action} {plan[k].Key}), obstacle: {obstacle.What}";
        // What "before, plus the obstacle" looks like, from the obstacle put on the host as it was.
        // An obstacle that needs an object of ours the rollback removes (an address on a bridge
        // this apply creates) cannot be put there: it goes with that object, and "before" is exact.
        var standalone = obstacle.Remove is not null && Try(obstacle.Put);
        var expected = before;
        if (standalone)
        {
            expected = lab.Snapshot();
            obstacle.Remove!();
            Assert.Equal(before, lab.Snapshot());
        }

        lab.InjectBefore(k, _ => obstacle.Put());
        var failure = await Assert.ThrowsAsync<ApplyException>(() => lab.Agent.ApplyAsync(plan));

        Assert.True(k == failure.Index, $"{context}: failed at {failure.Index}: {failure.Message}");
        Assert.Contains(obstacle.KernelWords, failure.Message);
        var rollback = failure.Rollback ?? throw new Xunit.Sdk.XunitException($"{context}: no rollback report");
        Assert.True(rollback.Complete, $"{context}: undo failures: {string.Join("; ", rollback.Failures)}");
        Assert.True(expectedUndone == rollback.Undone, $"{context}: undid {rollback.Undone}, expected {expectedUndone}");
        var after = lab.Snapshot();
        if (after != expected) Assert.Fail($"{context}: the host is not as before.\nexpected:\n{expected}\n\nactual:\n{after}");

        if (!standalone) return;
        obstacle.Remove!();
        Assert.Equal(before, lab.Snapshot());
    }

    private static bool Try(Action action)
    {
        try { action(); return true; }
        catch (InvalidOperationException) { return false; }
    }
}
