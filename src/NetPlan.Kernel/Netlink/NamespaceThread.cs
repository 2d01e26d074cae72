using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetPlan.Kernel.Interop;

namespace NetPlan.Kernel.Netlink;

/// <summary>
/// Runs ONE system call inside another network namespace, on a dedicated OS thread that goes back
/// to its own namespace right after. Why so narrow: setns and unshare change only the calling
/// thread, and every thread the runtime creates from inside the window inherits the foreign
/// namespace for its whole life. Measured: a managed allocation inside the window made the
/// runtime start its background GC thread there, which then held a deleted sandbox (and its veth
/// pair) alive for two minutes. So the window contains only P/Invoke calls: no allocation, no
/// exception, no logging, no tiered-JIT call counting (AggressiveOptimization: a tier-up could start the
/// JIT's background worker in the window); errors are thrown after the thread is home again.
/// </summary>
public static class NamespaceThread
{
    /// <summary>
    /// Runs <paramref name="syscall"/> (a P/Invoke returning a result or -1 with errno) inside the
    /// namespace at <paramref name="netnsPath"/>. A socket or file it opens stays bound to that namespace.
    /// </summary>
    public static int Run(string netnsPath, Func<int> syscall, string what)
    {
        var target = LibC.open(netnsPath, LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        if (target < 0) throw new KernelException($"{what}: opening network namespace {netnsPath}", Marshal.GetLastPInvokeError());
        try
        {
            return OnDedicatedThread([MethodImpl(MethodImplOptions.AggressiveOptimization)] () => LibC.setns(target, LibC.CLONE_NEWNET), syscall, what);
        }
        finally
        {
            LibC.close(target);
        }
    }

    /// <summary>Runs <paramref name="syscall"/> in a brand-new network namespace (unshare(CLONE_NEWNET)) that only this call sees.</summary>
    public static int RunInNew(Func<int> syscall, string what) =>
        OnDedicatedThread([MethodImpl(MethodImplOptions.AggressiveOptimization)] () => LibC.unshare(LibC.CLONE_NEWNET), syscall, what);

    private static int OnDedicatedThread(Func<int> enter, Func<int> syscall, string what)
    {
        var home = LibC.open("/proc/thread-self/ns/net", LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        if (home < 0) throw new KernelException($"{what}: opening the current network namespace", Marshal.GetLastPInvokeError());
        int result = -1, errno = 0, failedStep = 0;
        try
        {
            var thread = new Thread([MethodImpl(MethodImplOptions.AggressiveOptimization)] () =>
            {
                // --- the window: P/Invoke only ---
                if (enter() < 0) { errno = Marshal.GetLastPInvokeError(); failedStep = 1; return; }
                result = syscall();
                if (result < 0) { errno = Marshal.GetLastPInvokeError(); failedStep = 2; }
                if (LibC.setns(home, LibC.CLONE_NEWNET) < 0) { errno = Marshal.GetLastPInvokeError(); failedStep = 3; }
                // --- back home (or, if that failed, the thread ends here without running anything else) ---
            }, maxStackSize: 256 * 1024)
            {
                IsBackground = true,
                Name = "netns",
            };
            thread.Start();
            thread.Join();
        }
        finally
        {
            LibC.close(home);
        }
        return failedStep switch
        {
            0 => result,
            1 => throw new KernelException($"{what}: entering the network namespace", errno),
            2 => throw new KernelException(what, errno),
            _ => throw new KernelException($"{what}: returning to the original network namespace", errno),
        };
    }
}
