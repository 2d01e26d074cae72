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

    /// <summary>
    /// Runs <paramref name="syscall"/> once inside each namespace of <paramref name="netnsPaths"/>, all on
    /// ONE dedicated thread that steps from namespace to namespace and then goes home: a thread per
    /// namespace cost about a millisecond each (creation, scheduling, two switches), which made
    /// opening the sockets of 1000 sandboxes the largest part of observing them. Returns each call's
    /// result; the first failure (in order) is thrown after the thread is home, the other results kept
    /// in <paramref name="results"/> so the caller can close what was opened.
    /// </summary>
    public static void RunInEach(IReadOnlyList<string> netnsPaths, Func<int> syscall, string what, int[] results)
    {
        var targets = new int[netnsPaths.Count];
        var errnos = new int[netnsPaths.Count];
        var steps = new int[netnsPaths.Count]; // 0 ok, 1 entering failed, 2 the call failed
        Array.Fill(targets, -1);
        Array.Fill(results, -1);
        try
        {
            for (var i = 0; i < targets.Length; i++)
            {
                targets[i] = LibC.open(netnsPaths[i], LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
                if (targets[i] < 0) throw new KernelException($"{what}: opening network namespace {netnsPaths[i]}", Marshal.GetLastPInvokeError());
            }
            var home = LibC.open("/proc/thread-self/ns/net", LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
            if (home < 0) throw new KernelException($"{what}: opening the current network namespace", Marshal.GetLastPInvokeError());
            var homeErrno = 0;
            try
            {
                var thread = new Thread([MethodImpl(MethodImplOptions.AggressiveOptimization)] () =>
                {
                    // --- the window: P/Invoke and stores into preallocated arrays only ---
                    for (var i = 0; i < targets.Length; i++)
                    {
                        if (LibC.setns(targets[i], LibC.CLONE_NEWNET) < 0) { errnos[i] = Marshal.GetLastPInvokeError(); steps[i] = 1; continue; }
                        results[i] = syscall();
                        if (results[i] < 0) { errnos[i] = Marshal.GetLastPInvokeError(); steps[i] = 2; }
                    }
                    if (LibC.setns(home, LibC.CLONE_NEWNET) < 0) homeErrno = Marshal.GetLastPInvokeError();
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
            if (homeErrno != 0) throw new KernelException($"{what}: returning to the original network namespace", homeErrno);
            for (var i = 0; i < steps.Length; i++)
                switch (steps[i])
                {
                    case 1: throw new KernelException($"{what}: entering the network namespace {netnsPaths[i]}", errnos[i]);
                    case 2: throw new KernelException($"{what} in {netnsPaths[i]}", errnos[i]);
                }
        }
        finally
        {
            foreach (var fd in targets)
                if (fd >= 0) LibC.close(fd);
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
