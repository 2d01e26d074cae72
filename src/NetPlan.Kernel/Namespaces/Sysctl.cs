using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using NetPlan.Kernel.Interop;
using NetPlan.Kernel.Netlink;

namespace NetPlan.Kernel.Namespaces;

/// <summary>
/// Reads and writes /proc/sys in a network namespace. /proc/sys/net shows the namespace of the
/// thread that opens the file, so the file is opened on a thread inside the namespace; reading
/// and writing the open descriptor can then happen anywhere.
/// </summary>
public static class Sysctl
{
    /// <summary>"net.ipv4.ip_forward" → "/proc/sys/net/ipv4/ip_forward"; rejects anything that could leave /proc/sys.</summary>
    public static string PathOf(string name)
    {
        if (name.Length == 0 || name.Contains('/') || name.Contains("..") || name.StartsWith('.') || name.EndsWith('.'))
            throw new ArgumentException($"'{name}' is not a sysctl name");
        return "/proc/sys/" + name.Replace('.', '/');
    }

    /// <summary>The value with its trailing newline removed, or null when the sysctl does not exist.</summary>
    public static string? Read(string? netnsPath, string name)
    {
        using var handle = OpenIn(netnsPath, name, LibC.O_RDONLY, "reading");
        if (handle is null) return null;
        var buffer = new byte[4096];
        var length = RandomAccess.Read(handle, buffer, 0);
        return Encoding.UTF8.GetString(buffer, 0, length).TrimEnd('\n');
    }

    public static void Write(string? netnsPath, string name, string value)
    {
        using var handle = OpenIn(netnsPath, name, LibC.O_WRONLY, "writing")
            ?? throw new KernelException($"writing sysctl {name}", 2 /* ENOENT */);
        try
        {
            RandomAccess.Write(handle, Encoding.UTF8.GetBytes(value + "\n"), 0);
        }
        catch (IOException e)
        {
            throw new KernelException($"writing sysctl {name} = {value}: {e.Message}", 22 /* EINVAL */);
        }
    }

    private static SafeFileHandle? OpenIn(string? netnsPath, string name, int flags, string verb)
    {
        var path = PathOf(name);
        var openFlags = flags | LibC.O_CLOEXEC;
        try
        {
            int fd;
            if (netnsPath is null)
            {
                fd = LibC.open(path, openFlags, 0);
                if (fd < 0) throw new KernelException($"{verb} sysctl {name}", Marshal.GetLastPInvokeError());
            }
            else
            {
                fd = NamespaceThread.Run(netnsPath, [MethodImpl(MethodImplOptions.AggressiveOptimization)] () => LibC.open(path, openFlags, 0), $"{verb} sysctl {name}");
            }
            return new SafeFileHandle(fd, ownsHandle: true);
        }
        catch (KernelException e) when (e.Errno == 2 /* ENOENT: no such sysctl */)
        {
            return null;
        }
    }
}
