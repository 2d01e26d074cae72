namespace NetPlan.Kernel.Interop;

/// <summary>
/// The process's file descriptor table. The kernel grows it by doubling, and while more than one
/// thread shares it each growth waits for an RCU grace period (4–20 ms on the machines measured):
/// opening the sockets of 1000 sandboxes grew it four or five times, tens of milliseconds of pure
/// waiting in an observation that takes a few hundred. Growing it once, ahead, costs one wait.
/// </summary>
public static class DescriptorTable
{
    /// <summary>
    /// Makes room for <paramref name="count"/> more descriptors than are open now, in one growth.
    /// Best effort: past the process's descriptor limit it does nothing, and opening then fails
    /// (or not) exactly as it would have.
    /// </summary>
    public static void Reserve(int count)
    {
        var lowestFree = LibC.open("/dev/null", LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        if (lowestFree < 0) return;
        // F_DUPFD takes the lowest free descriptor at or above the target, so it never replaces an open one.
        var high = LibC.fcntl(lowestFree, LibC.F_DUPFD_CLOEXEC, lowestFree + count);
        if (high >= 0) LibC.close(high);
        LibC.close(lowestFree);
    }
}
