using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetPlan.Kernel.Interop;

/// <summary>
/// The few libc calls the kernel layer needs, typed and small. Every call sets errno for
/// <see cref="Marshal.GetLastPInvokeError"/>; callers turn it into <see cref="KernelException"/>.
/// </summary>
internal static unsafe partial class LibC
{
    public const int AF_NETLINK = 16;
    public const int SOCK_RAW = 3;
    public const int SOCK_CLOEXEC = 0x80000;
    public const int SOL_SOCKET = 1;
    public const int SO_SNDBUF = 7;
    public const int SO_RCVBUF = 8;
    public const int SO_SNDBUFFORCE = 32;
    public const int SO_RCVBUFFORCE = 33;
    public const int SOL_NETLINK = 270;
    public const int NETLINK_CAP_ACK = 10;
    public const int NETLINK_EXT_ACK = 11;
    public const int NETLINK_GET_STRICT_CHK = 12;

    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int ENOTDIR = 20;
    public const int EISDIR = 21;
    public const int EAGAIN = 11;

    public const int O_RDONLY = 0;
    public const int O_WRONLY = 1;
    public const int O_RDWR = 2;
    public const int O_DIRECTORY = 0x10000;
    public const int LOCK_EX = 2;
    public const int LOCK_NB = 4;
    public const int EINVAL = 22;
    public const int EEXIST = 17;
    public const int O_CLOEXEC = 0x80000;
    public const int O_CREAT = 0x40;
    public const int O_EXCL = 0x80;

    public const int CLONE_NEWNET = 0x40000000;
    public const int CLONE_NEWNS = 0x00020000;
    public const int CLONE_FS = 0x00000200;

    public const ulong MS_BIND = 4096;
    public const ulong MS_REC = 16384;
    public const ulong MS_PRIVATE = 1 << 18;
    public const ulong MS_SHARED = 1 << 20;
    public const int MNT_DETACH = 2;

    [StructLayout(LayoutKind.Sequential)]
    public struct SockaddrNl
    {
        public ushort Family;
        public ushort Pad;
        public uint Pid;
        public uint Groups;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs inside a namespace window: no tiering (see NamespaceThread)
    [LibraryImport("libc", SetLastError = true)]
    public static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int bind(int fd, SockaddrNl* addr, int addrlen);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int getsockname(int fd, SockaddrNl* addr, int* addrlen);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int setsockopt(int fd, int level, int name, void* value, int len);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint send(int fd, byte* buf, nint len, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint recv(int fd, byte* buf, nint len, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs inside a namespace window: no tiering (see NamespaceThread)
    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags, int mode);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs inside a namespace window: no tiering (see NamespaceThread)
    [LibraryImport("libc", SetLastError = true)]
    public static partial int setns(int fd, int nstype);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs inside a namespace window: no tiering (see NamespaceThread)
    [LibraryImport("libc", SetLastError = true)]
    public static partial int unshare(int flags);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs inside a namespace window: no tiering (see NamespaceThread)
    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mount(string? source, string target, string? fstype, ulong flags, nint data);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int umount2(string target, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int flock(int fd, int operation);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int ftruncate(int fd, long length);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint pwrite(int fd, byte* buf, nint count, long offset);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint read(int fd, byte* buf, nint count);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint pread(int fd, byte* buf, nint count, long offset);

    public const int F_DUPFD_CLOEXEC = 1030;

    /// <summary>fcntl(2) with an int argument (the only form used: F_DUPFD_CLOEXEC).</summary>
    [LibraryImport("libc", SetLastError = true)]
    public static partial int fcntl(int fd, int cmd, int arg);

    /// <summary>statfs(2) into a raw buffer: only f_type (the first word, on every 64-bit Linux ABI) is read.</summary>
    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int statfs(string path, byte* buf);

    public const long NSFS_MAGIC = 0x6e736673;

    [LibraryImport("libc")]
    public static partial nint strerror(int errnum);

    public static string ErrorText(int errno) => Marshal.PtrToStringUTF8(strerror(errno)) ?? $"errno {errno}";
}
