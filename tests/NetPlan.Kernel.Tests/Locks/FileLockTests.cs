using System.Diagnostics;
using NetPlan.Kernel.Locks;

namespace NetPlan.Kernel.Tests.Locks;

/// <summary>The flock the per-host lock is made of: exclusive per open file description, gone with its holder.</summary>
public sealed class FileLockTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nptest-lock-").FullName;
    private string LockFile => Path.Combine(_directory, "shop.lock");

    [Fact]
    public void Two_locks_in_one_process_exclude_each_other_and_the_second_reads_the_first_ones_description()
    {
        using (var first = FileLock.TryAcquire(LockFile, "first holder, a long description"))
        {
            Assert.NotNull(first);
            Assert.Null(FileLock.TryAcquire(LockFile, "second"));
            Assert.Equal("first holder, a long description", FileLock.ReadDescription(LockFile));
        }

        using var second = FileLock.TryAcquire(LockFile, "second");
        Assert.NotNull(second);
        Assert.Equal("second", FileLock.ReadDescription(LockFile)); // the longer one does not show through
    }

    [Fact]
    public void A_holder_killed_with_sigkill_releases_the_lock_at_once()
    {
        // util-linux flock(1) takes the same flock(2) lock and holds it while sleep runs (-o: only
        // flock itself holds the descriptor, not sleep).
        var start = new ProcessStartInfo("flock", ["-o", LockFile, "sleep", "600"]) { RedirectStandardError = true };
        using var holder = Process.Start(start)!;
        try
        {
            Assert.True(SpinWait.SpinUntil(IsHeldElsewhere, TimeSpan.FromSeconds(10)), "flock(1) never took the lock");
            Assert.Null(FileLock.TryAcquire(LockFile, "while held"));

            holder.Kill(entireProcessTree: true); // SIGKILL: the kernel closes the holder's descriptors
            holder.WaitForExit();
            using var after = FileLock.TryAcquire(LockFile, "after");
            Assert.NotNull(after);
        }
        finally
        {
            if (!holder.HasExited) holder.Kill(entireProcessTree: true);
        }
    }

    private bool IsHeldElsewhere()
    {
        if (!File.Exists(LockFile)) return false;
        using var probe = FileLock.TryAcquire(LockFile, "");
        return probe is null;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
