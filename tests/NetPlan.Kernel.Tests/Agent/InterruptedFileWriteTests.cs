using NetPlan.Core.Planning;
using NetPlan.Core.State;
using NetPlan.Tests;

namespace NetPlan.Kernel.Tests.Agent;

/// <summary>Issue 8: a file write killed between writing its temporary and the rename leaks nothing.</summary>
public class InterruptedFileWriteTests
{
    [SkippableFact]
    public async Task Temporaries_a_killed_write_left_are_removed_by_the_next_write_and_delete_and_nothing_else_is()
    {
        Privileged.Require();
        await using var f = new AgentFixture();
        var directory = Path.Combine(f.EtcNetns, "web");
        Directory.CreateDirectory(directory);
        var hosts = Path.Combine(directory, "hosts");
        var leftover = Path.Combine(directory, ".hosts.netplan-" + Guid.NewGuid().ToString("N"));
        var notOurs = Path.Combine(directory, ".hosts.netplan-backup");
        File.WriteAllText(leftover, "half");
        File.WriteAllText(notOurs, "someone's");
        var file = new FileObject(hosts, Ownership.FileMark("t8") + "\n") { Owner = "t8" };

        await f.Apply(new Operation(ChangeAction.Create, null, file));
        Assert.False(File.Exists(leftover));
        Assert.True(File.Exists(notOurs));

        File.WriteAllText(leftover, "half again");
        File.Delete(notOurs);
        await f.Apply(new Operation(ChangeAction.Delete, file, null));
        Assert.False(Directory.Exists(directory)); // emptied, so removed
    }
}
