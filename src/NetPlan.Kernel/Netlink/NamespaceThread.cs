using System.Runtime.InteropServices;
using NetPlan.Kernel.Interop;

namespace NetPlan.Kernel.Netlink;

/// <summary>
/// Runs a short piece of work inside another network namespace on a dedicated OS thread.
/// Why a dedicated thread: setns and unshare change only the calling thread, and a .NET pool
/// thread that is left in (or spawns workers from) a foreign namespace would silently run later
/// work there. The thread enters, runs the work (which should make only P/Invoke calls: open a
/// socket, open a /proc/sys file, bind-mount), and ends; the namespace switch dies with it.
/// </summary>
public static class NamespaceThread
{
    /// <summary>Runs <paramref name="work"/> inside the namespace open at <paramref name="netnsPath"/>.</summary>
    public static T Run<T>(string netnsPath, Func<T> work) => OnDedicatedThread(() =>
    {
        var fd = LibC.open(netnsPath, LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        if (fd < 0) throw new KernelException($"opening network namespace {netnsPath}", Marshal.GetLastPInvokeError());
        try
        {
            if (LibC.setns(fd, LibC.CLONE_NEWNET) < 0)
                throw new KernelException($"entering network namespace {netnsPath}", Marshal.GetLastPInvokeError());
        }
        finally
        {
            LibC.close(fd);
        }
        return work();
    }, netnsPath);

    /// <summary>Runs <paramref name="work"/> in a brand-new network namespace (unshare(CLONE_NEWNET)) that only this thread sees.</summary>
    public static T RunInNew<T>(Func<T> work) => OnDedicatedThread(() =>
    {
        if (LibC.unshare(LibC.CLONE_NEWNET) < 0)
            throw new KernelException("creating a network namespace (unshare)", Marshal.GetLastPInvokeError());
        return work();
    }, "new netns");

    private static T OnDedicatedThread<T>(Func<T> body, string label)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try { result = body(); }
            catch (Exception e) { failure = e; }
        }, maxStackSize: 256 * 1024)
        {
            IsBackground = true,
            Name = "netns " + label,
        };
        thread.Start();
        thread.Join();
        if (failure is not null) throw failure;
        return result;
    }
}
