using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetPlan.Kernel.Interop;
using NetPlan.Kernel.Netlink;

namespace NetPlan.Kernel.Namespaces;

/// <summary>
/// Named network namespaces exactly as `ip netns add/delete` make them, so `ip netns exec NAME`,
/// podman's <c>ns:/run/netns/NAME</c> and systemd's NetworkNamespacePath see the same thing:
/// a file in a shared-mount directory with the namespace bind-mounted onto it.
/// </summary>
public sealed class NamedNamespaces(string directory = NamedNamespaces.DefaultDirectory)
{
    public const string DefaultDirectory = "/run/netns";

    private bool _directoryShared;

    public string Directory { get; } = directory;

    /// <summary>The file for <paramref name="name"/>; rejects names that are not a single path component.</summary>
    public string PathOf(string name)
    {
        if (name.Length == 0 || name.Length > 255 || name is "." or ".." || name.Contains('/') || name.Contains('\0'))
            throw new ArgumentException($"'{name}' is not a valid network namespace name");
        return Path.Combine(Directory, name);
    }

    /// <summary>
    /// True when NAME is a namespace: a file with a namespace mounted on it. An empty file (what a
    /// crash between creating the file and mounting leaves, for `ip netns add` as for us) is not one.
    /// </summary>
    public bool Exists(string name) => IsMountedNamespace(PathOf(name));

    /// <summary>The namespaces in the directory (files without a namespace mounted on them are not listed).</summary>
    public IReadOnlyList<string> List() =>
        System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.EnumerateFiles(Directory).Where(IsMountedNamespace)
                .Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>`ip netns add NAME`. Throws "File exists" when the name is taken.</summary>
    public void Add(string name) => Create(name, null, null)?.Dispose();

    /// <summary>
    /// `ip netns add NAME` and a socket of <paramref name="netlinkProtocol"/> opened inside the new
    /// namespace by the same thread, so creating a sandbox needs no second namespace switch.
    /// <paramref name="beforePublishing"/> runs on that socket while the namespace has no name yet:
    /// whatever it does (marking the namespace as owned) is there before anyone can see the
    /// namespace. If it throws — or the process dies meanwhile — the namespace just vanishes.
    /// </summary>
    public NetlinkSocket AddAndOpen(string name, int netlinkProtocol, Action<NetlinkSocket>? beforePublishing = null) =>
        Create(name, netlinkProtocol, beforePublishing)!;

    private NetlinkSocket? Create(string name, int? netlinkProtocol, Action<NetlinkSocket>? beforePublishing)
    {
        var path = PathOf(name);
        EnsureSharedDirectory();
        if (IsMountedNamespace(path)) throw new KernelException($"creating network namespace {name}", LibC.EEXIST);

        // A namespace of this thread's own, kept alive by a descriptor (and the socket) until it is mounted.
        const string self = "/proc/thread-self/ns/net";
        var protocol = netlinkProtocol ?? -1;
        var nsFd = -1;
        int socketFd;
        try
        {
            socketFd = NamespaceThread.RunInNew([MethodImpl(MethodImplOptions.AggressiveOptimization)] () =>
                (nsFd = LibC.open(self, LibC.O_RDONLY | LibC.O_CLOEXEC, 0)) < 0 ? -1
                : protocol < 0 ? 0
                : LibC.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, protocol),
                $"creating network namespace {name}");
        }
        catch
        {
            if (nsFd >= 0) LibC.close(nsFd);
            throw;
        }

        var socket = protocol < 0 ? null : NetlinkSocket.FromDescriptor(socketFd, protocol);
        try
        {
            if (socket is not null) beforePublishing?.Invoke(socket);
            Publish(name, path, nsFd);
            return socket;
        }
        catch
        {
            socket?.Dispose();
            throw;
        }
        finally
        {
            LibC.close(nsFd);
        }
    }

    /// <summary>
    /// Gives the namespace behind <paramref name="nsFd"/> its name: the file, then the bind mount.
    /// A file that is there without a namespace on it was left by a crash between those two steps
    /// (ours or `ip netns add`'s): it is reused, never a mounted one.
    /// </summary>
    private static void Publish(string name, string path, int nsFd)
    {
        var fd = LibC.open(path, LibC.O_RDONLY | LibC.O_CREAT | LibC.O_EXCL | LibC.O_CLOEXEC, 0);
        var created = fd >= 0;
        if (!created)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != LibC.EEXIST || IsMountedNamespace(path)) throw new KernelException($"creating network namespace {name}", errno);
        }
        else
        {
            LibC.close(fd);
        }
        if (LibC.mount($"/proc/self/fd/{nsFd}", path, "none", LibC.MS_BIND, 0) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (created) File.Delete(path);
            throw new KernelException($"creating network namespace {name}", errno);
        }
    }

    /// <summary>A namespace is mounted on the file: its filesystem is nsfs (an empty file is on the directory's tmpfs).</summary>
    private static unsafe bool IsMountedNamespace(string path)
    {
        var buffer = stackalloc long[32]; // struct statfs is 120 bytes on 64-bit Linux
        return LibC.statfs(path, (byte*)buffer) == 0 && buffer[0] == LibC.NSFS_MAGIC;
    }

    /// <summary>`ip netns delete NAME`: detach the bind mount, remove the file. The namespace dies with its last user.</summary>
    public void Delete(string name)
    {
        var path = PathOf(name);
        if (!IsMountedNamespace(path)) throw new KernelException($"deleting network namespace {name}", 2 /* ENOENT */);
        LibC.umount2(path, LibC.MNT_DETACH);
        try { File.Delete(path); }
        catch (IOException e) { throw new KernelException($"deleting network namespace {name}: {e.Message}", 16 /* EBUSY */); }
    }

    /// <summary>
    /// Makes the directory a shared mount point (bind it onto itself first if it is not a mount
    /// point), so a namespace mounted here is visible in every mount namespace that shares it.
    /// Locked like iproute2 does (Debian #949235: concurrent `ip netns add` stacked mounts).
    /// </summary>
    private void EnsureSharedDirectory()
    {
        if (_directoryShared) return;
        System.IO.Directory.CreateDirectory(Directory);
        var dirFd = LibC.open(Directory, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC, 0);
        if (dirFd < 0) throw new KernelException($"opening {Directory}", Marshal.GetLastPInvokeError());
        try
        {
            if (LibC.flock(dirFd, LibC.LOCK_EX) < 0) throw new KernelException($"locking {Directory}", Marshal.GetLastPInvokeError());
            var madeMountPoint = false;
            while (LibC.mount("", Directory, "none", LibC.MS_SHARED | LibC.MS_REC, 0) < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno != LibC.EINVAL || madeMountPoint) throw new KernelException($"making {Directory} a shared mount", errno);
                if (LibC.mount(Directory, Directory, "none", LibC.MS_BIND | LibC.MS_REC, 0) < 0)
                    throw new KernelException($"making {Directory} a mount point", Marshal.GetLastPInvokeError());
                madeMountPoint = true;
            }
            _directoryShared = true;
        }
        finally
        {
            LibC.close(dirFd); // releases the lock
        }
    }
}
