using System.Runtime.InteropServices;
using NetPlan.Kernel.Interop;

namespace NetPlan.Kernel.Netlink;

/// <summary>
/// Runs a short piece of work inside another network namespace on a dedicated OS thread.
/// Why a dedicated thread: setns changes only the calling thread, and a .NET pool thread that
/// is left in (or spawns workers from) a foreign namespace would silently run later work there.
/// The thread enters, runs the work (which should make only P/Invoke calls: open a socket, write
/// a /proc/sys file), and ends; the namespace switch dies with it.
/// </summary>
public static class NamespaceThread
{
    private const int CLONE_NEWNET = LibC.CLONE_NEWNET;

    public static T Run<T>(string netnsPath, Func<T> work)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                var fd = LibC.open(netnsPath, LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
                if (fd < 0) throw new KernelException($"opening network namespace {netnsPath}", Marshal.GetLastPInvokeError());
                try
                {
                    if (LibC.setns(fd, CLONE_NEWNET) < 0)
                        throw new KernelException($"entering network namespace {netnsPath}", Marshal.GetLastPInvokeError());
                }
                finally
                {
                    LibC.close(fd);
                }
                result = work();
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, maxStackSize: 256 * 1024)
        {
            IsBackground = true,
            Name = "netns " + netnsPath,
        };
        thread.Start();
        thread.Join();
        if (failure is not null) throw failure;
        return result;
    }
}
