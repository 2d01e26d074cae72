using System.Runtime.InteropServices;
using System.Text;
using NetPlan.Kernel.Interop;

namespace NetPlan.Kernel.Locks;

/// <summary>
/// An exclusive <c>flock</c> on a file, holding a short description of its holder. The kernel drops
/// the lock when the descriptor is closed — by <see cref="Dispose"/>, or by the process dying in any
/// way, kill -9 included — so a lock can never outlive its holder. flock belongs to the open file
/// description, so two locks taken in one process exclude each other just as two processes do.
/// </summary>
/// <remarks>
/// Plain libc, not FileStream: .NET takes its own advisory flock when it opens a file, which would
/// make reading the holder's description fail exactly while the lock is held.
/// </remarks>
public sealed unsafe class FileLock : IDisposable
{
    private int _fd;

    private FileLock(int fd) => _fd = fd;

    /// <summary>
    /// Takes the lock without waiting and writes <paramref name="description"/> into the file;
    /// null when someone else holds it. Creates the file (not its directory) when missing.
    /// </summary>
    public static FileLock? TryAcquire(string path, string description)
    {
        var fd = LibC.open(path, LibC.O_RDWR | LibC.O_CREAT | LibC.O_CLOEXEC, 0x1a4 /* 0644 */);
        if (fd < 0) throw new KernelException($"opening lock file {path}", Marshal.GetLastPInvokeError());
        if (LibC.flock(fd, LibC.LOCK_EX | LibC.LOCK_NB) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            LibC.close(fd);
            if (errno == LibC.EAGAIN) return null;
            throw new KernelException($"locking {path}", errno);
        }
        var held = new FileLock(fd);
        try
        {
            held.Describe(path, description);
            return held;
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>What the last holder wrote; empty when the file is missing or empty. Never blocks on the lock.</summary>
    public static string ReadDescription(string path)
    {
        var fd = LibC.open(path, LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        if (fd < 0) return "";
        try
        {
            var buffer = new byte[4096];
            nint read;
            fixed (byte* p = buffer) read = LibC.pread(fd, p, buffer.Length, 0);
            return read <= 0 ? "" : Encoding.UTF8.GetString(buffer, 0, (int)read);
        }
        finally
        {
            LibC.close(fd);
        }
    }

    private void Describe(string path, string description)
    {
        // Truncate first: the previous holder's (longer) description must not show through.
        if (LibC.ftruncate(_fd, 0) < 0) throw new KernelException($"writing lock file {path}", Marshal.GetLastPInvokeError());
        var bytes = Encoding.UTF8.GetBytes(description);
        fixed (byte* p = bytes)
        {
            if (LibC.pwrite(_fd, p, bytes.Length, 0) != bytes.Length)
                throw new KernelException($"writing lock file {path}", Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>Releases the lock (closing the descriptor is the release). The file stays, for the next holder.</summary>
    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0) LibC.close(fd);
    }
}
