using NetPlan.EndToEnd.Tests.Lab;

namespace NetPlan.EndToEnd.Tests.Local;

/// <summary>
/// A stand-in for "this machine" in `connection: local` tests: fresh network, mount and PID
/// namespaces with private /run (so /run/netns) and /etc/netns, where the real CLI runs. Nothing
/// it does can reach the machine's own namespaces, mounts or files, and it vanishes on Dispose.
/// </summary>
public sealed class LocalHost : IDisposable
{
    private readonly NamespaceHost _host;

    private LocalHost(NamespaceHost host, string directory)
    {
        _host = host;
        Directory = directory;
    }

    /// <summary>A scratch directory (on the machine's /tmp, visible inside) for topology files.</summary>
    public string Directory { get; }

    public static async Task<LocalHost> StartAsync()
    {
        var host = await NamespaceHost.StartAsync("local");
        try
        {
            await host.ExecCheckAsync("mount", "-t", "tmpfs", "-o", "mode=0755", "local-run", "/run");
            await host.ExecCheckAsync("mkdir", "-m", "0755", "/run/netns");
            await host.ExecCheckAsync("mkdir", "-p", "/etc/netns");
            await host.ExecCheckAsync("mount", "-t", "tmpfs", "-o", "mode=0755", "local-etc-netns", "/etc/netns");
            var directory = System.IO.Directory.CreateTempSubdirectory("netplan-e2e-").FullName;
            return new LocalHost(host, directory);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>Writes a topology file into the scratch directory and returns its path.</summary>
    public string Topology(string yaml, string name = "topology.yml")
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    /// <summary>Runs the real CLI (the published netplan) inside this host.</summary>
    public Task<Cmd.Result> NetplanAsync(params string[] arguments) => NetplanWithInputAsync(null, arguments);

    /// <summary>Runs the real CLI inside this host with <paramref name="stdin"/> as its input.</summary>
    public async Task<Cmd.Result> NetplanWithInputAsync(string? stdin, params string[] arguments) =>
        await Cmd.RunAsync(_host.StartInfo(await PublishedBuild.NetplanAsync(), arguments), stdin, TimeSpan.FromMinutes(5));

    /// <summary>A running published netplan whose arguments include <paramref name="argument"/>, as this process sees it.</summary>
    public static async Task<System.Diagnostics.Process> NetplanProcessAsync(string argument)
    {
        var netplan = await PublishedBuild.NetplanAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var dir in System.IO.Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
                string[] argv;
                try { argv = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0'); }
                catch (IOException) { continue; }
                if (argv.Length > 2 && argv[0] == netplan && argv.Contains(argument))
                    return System.Diagnostics.Process.GetProcessById(pid);
            }
            await Task.Delay(5);
        }
        throw new TimeoutException($"no netplan {argument} started");
    }

    public Task<Cmd.Result> ExecAsync(string program, params string[] arguments) => _host.ExecAsync(program, arguments);

    /// <summary>How to start a program inside this host (for long-running helpers such as listeners, or input on stdin).</summary>
    public System.Diagnostics.ProcessStartInfo StartInfo(string program, params string[] arguments) => _host.StartInfo(program, arguments);

    public Task<Cmd.Result> ExecCheckAsync(string program, params string[] arguments) => _host.ExecCheckAsync(program, arguments);

    /// <summary>Runs a program inside a sandbox of this host, as a user would: <c>ip netns exec NAME ...</c>.</summary>
    public Task<Cmd.Result> InSandboxAsync(string sandbox, string program, params string[] arguments) =>
        _host.ExecAsync("ip", ["netns", "exec", sandbox, program, .. arguments]);

    public async Task<Cmd.Result> InSandboxCheckAsync(string sandbox, string program, params string[] arguments) =>
        (await InSandboxAsync(sandbox, program, arguments)).Check($"[{sandbox}] {program} {string.Join(' ', arguments)}");

    /// <summary>True when one ping from <paramref name="sandbox"/> to <paramref name="target"/> is answered.</summary>
    public async Task<bool> PingsAsync(string sandbox, string target) =>
        (await InSandboxAsync(sandbox, "ping", "-c", "1", "-W", "2", target)).ExitCode == 0;

    /// <summary>
    /// A path of this host's private filesystem (its /run, /etc/netns) as the test process reaches
    /// it: through /proc/PID/root of a process in the host's mount namespace.
    /// </summary>
    public string PathInside(string path) => $"/proc/{_host.Pid}/root{path}";

    /// <summary>The pids of this host's processes whose command line contains <paramref name="pattern"/> (pgrep -f, listing only).</summary>
    public async Task<IReadOnlyList<int>> PidsAsync(string pattern)
    {
        var found = await _host.ExecAsync("pgrep", "-f", pattern);
        return found.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
    }

    /// <summary>The host's own network state, for before/after comparisons.</summary>
    public Task<string> SnapshotAsync() => HostSnapshot.TakeAsync(ExecCheckAsync);

    public void Dispose()
    {
        _host.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
