using System.Diagnostics;
using System.Net;
using NetPlan.Transport.Ssh;

namespace NetPlan.EndToEnd.Tests.Lab;

/// <summary>
/// N lab hosts on this machine, each a network + mount + PID namespace running a real sshd with its
/// own host key, joined by a switch namespace (a bridge) on 198.51.100.0/24, plus a controller
/// namespace (198.51.100.2) where ssh and the netplan CLI run. Nothing touches the root network
/// namespace. Each host has private /run (so /run/netns and sshd's run dir), /etc/netns,
/// /var/lib/netplan, /sys and root's home. The controller has private /run and ~/.ssh, so neither the user's
/// ssh config nor NetPlan's default ControlMaster directory leaks in or out.
/// </summary>
public sealed class SshLab : IAsyncDisposable
{
    public const string Subnet = "198.51.100.0/24";
    public static readonly IPAddress ControllerAddress = IPAddress.Parse("198.51.100.2");
    /// <summary>An address on the lab subnet with nothing behind it: connecting there times out / finds no route.</summary>
    public static readonly IPAddress UnusedAddress = IPAddress.Parse("198.51.100.99");

    private readonly List<LabHost> _hosts = new();
    private NamespaceHost? _switch;
    private NamespaceHost? _controller;

    private SshLab(string directory) => Directory = directory;

    /// <summary>The lab's files: keys, ssh_config, known_hosts, sshd configs, the ssh wrapper, control sockets.</summary>
    public string Directory { get; }
    public IReadOnlyList<LabHost> Hosts => _hosts;
    public LabHost Host(string name) => _hosts.Single(h => h.Name == name);

    public string ClientKeyFile => Path.Combine(Directory, "id_ed25519");
    public string AuthorizedKeysFile => Path.Combine(Directory, "authorized_keys");
    /// <summary>known_hosts with every lab host's real key, by address.</summary>
    public string KnownHostsFile => Path.Combine(Directory, "known_hosts");
    /// <summary>ssh_config with a Host entry per lab host (alias = host name) and lab-wide defaults.</summary>
    public string SshConfigFile => Path.Combine(Directory, "ssh_config");
    /// <summary>An <c>ssh</c> that runs inside the controller namespace, for transport tests running in the test process.</summary>
    public string SshWrapper => Path.Combine(Directory, "ssh");
    public NamespaceHost Controller => _controller ?? throw new InvalidOperationException("lab not started");

    /// <summary>
    /// SSH options for in-process transport code: ssh runs in the controller (via <see cref="SshWrapper"/>),
    /// sockets live in the lab, and timeouts are short so failures show quickly.
    /// </summary>
    public SshOptions SshOptions => new()
    {
        Program = SshWrapper,
        ControlDirectory = Path.Combine(Directory, "cp"),
        ConnectTimeout = TimeSpan.FromSeconds(3),
        ConnectAttempts = 2,
        RetryDelay = TimeSpan.FromMilliseconds(200),
        AttemptTimeout = TimeSpan.FromSeconds(60),
    };

    public static async Task<SshLab> StartAsync(int hosts)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hosts, 80);
        var directory = System.IO.Directory.CreateTempSubdirectory("nptest-lab-").FullName;
        var lab = new SshLab(directory);
        try
        {
            await lab.BuildAsync(hosts);
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a program (e.g. the netplan CLI) inside the controller namespace.</summary>
    public ProcessStartInfo ControllerCommand(string program, params string[] arguments) =>
        Controller.StartInfo(program, arguments);

    /// <summary>A known_hosts file in which <paramref name="impostorFor"/> has a different key than it presents.</summary>
    public async Task<string> KnownHostsWithWrongKeyAsync(LabHost impostorFor)
    {
        var key = Path.Combine(Directory, $"wrong-key-{impostorFor.Name}");
        if (!File.Exists(key)) await Cmd.CheckAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "wrong", "-f", key);
        var wrong = string.Join(' ', (await File.ReadAllTextAsync(key + ".pub")).Split(' ')[..2]);
        var path = Path.Combine(Directory, $"known_hosts.wrong-{impostorFor.Name}");
        await File.WriteAllLinesAsync(path, _hosts.Select(h => $"{h.Address} {(h == impostorFor ? wrong : h.HostPublicKey)}"));
        return path;
    }

    private async Task BuildAsync(int hosts)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the lab is made of Linux namespaces");
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "cp"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await Cmd.CheckAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "netplan-lab-client", "-f", ClientKeyFile);
        await File.WriteAllTextAsync(AuthorizedKeysFile, await File.ReadAllTextAsync(ClientKeyFile + ".pub"));

        _switch = await NamespaceHost.StartAsync("switch");
        await _switch.ExecCheckAsync("ip", "link", "add", "br0", "type", "bridge");
        await _switch.ExecCheckAsync("ip", "link", "set", "br0", "up");

        _controller = await NamespaceHost.StartAsync("controller");
        await PlugAsync(_controller, "ctl", ControllerAddress);
        await PrivatizeControllerAsync(_controller);
        await File.WriteAllTextAsync(SshWrapper,
            $"#!/bin/sh\n# ssh, run inside the lab's controller namespaces.\nexec nsenter {string.Join(' ', _controller.EnterArguments)} /usr/bin/ssh \"$@\"\n");
        File.SetUnixFileMode(SshWrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        // Hosts come up in parallel: each is a handful of ip/mount calls plus an sshd start.
        await Task.WhenAll(Enumerable.Range(1, hosts).Select(BuildHostAsync));
        _hosts.Sort((a, b) => a.Address.GetAddressBytes()[3].CompareTo(b.Address.GetAddressBytes()[3]));

        await File.WriteAllLinesAsync(KnownHostsFile, _hosts.Select(h => $"{h.Address} {h.HostPublicKey}"));
        await File.WriteAllTextAsync(SshConfigFile, string.Join("\n", _hosts.Select(h => $"Host {h.Name}\n  HostName {h.Address}\n"))
            + $"""

            Host *
              User root
              IdentityFile {ClientKeyFile}
              IdentitiesOnly yes
              UserKnownHostsFile {KnownHostsFile}
              GlobalKnownHostsFile /dev/null
            """);
    }

    private static readonly string RootHome = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 1 } home ? home : "/root";

    private async Task BuildHostAsync(int index)
    {
        var name = $"host{index}";
        var address = IPAddress.Parse($"198.51.100.{10 + index}");
        var directory = System.IO.Directory.CreateDirectory(Path.Combine(Directory, name)).FullName;
        var namespaces = await NamespaceHost.StartAsync(name);
        var host = new LabHost(this, name, address, namespaces, directory);
        // Registered at once, so a failure anywhere still tears this host down with the lab.
        lock (_hosts) _hosts.Add(host);
        {
            await PlugAsync(namespaces, $"h{index}", address);
            // Private state: what NetPlan's agent writes (named namespaces, their /etc files, shipped
            // agents) stays in this host, and dies with it.
            await namespaces.ExecCheckAsync("mount", "-t", "tmpfs", "-o", "mode=0755", "lab-run", "/run");
            await namespaces.ExecCheckAsync("mkdir", "-m", "0755", "/run/sshd", "/run/netns");
            foreach (var dir in new[] { "/etc/netns", "/var/lib/netplan" })
            {
                await namespaces.ExecCheckAsync("mkdir", "-p", dir);
                await namespaces.ExecCheckAsync("mount", "-t", "tmpfs", "-o", "mode=0755", "lab-state", dir);
            }
            // A home of its own: the test machine's root dotfiles (a slow .bashrc, keys) are not this host's.
            await namespaces.ExecCheckAsync("mount", "-t", "tmpfs", "-o", "mode=0700", "lab-home", RootHome);
            // sysfs shows the namespace of whoever mounts it: remount so /sys/class/net is this host's.
            await namespaces.ExecCheckAsync("mount", "-t", "sysfs", "lab-sys", "/sys");
            await Cmd.CheckAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", host.HostKeyFile);
            await host.StartSshdAsync();
        }
    }

    /// <summary>A veth from the switch's bridge to <paramref name="machine"/>'s eth0, with its lab address.</summary>
    private async Task PlugAsync(NamespaceHost machine, string switchPort, IPAddress address)
    {
        var sw = _switch!;
        await sw.ExecNetCheckAsync("ip", "link", "add", switchPort, "type", "veth", "peer", "name", "eth0", "netns", machine.Pid.ToString());
        await sw.ExecCheckAsync("ip", "link", "set", switchPort, "master", "br0", "up");
        await machine.ExecCheckAsync("ip", "addr", "add", $"{address}/24", "dev", "eth0");
        await machine.ExecCheckAsync("ip", "link", "set", "eth0", "up");
    }

    private static async Task PrivatizeControllerAsync(NamespaceHost controller)
    {
        await controller.ExecCheckAsync("mount", "-t", "tmpfs", "-o", "mode=0755", "lab-run", "/run");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (System.IO.Directory.Exists(home))
        {
            await controller.ExecCheckAsync("mkdir", "-p", "-m", "0700", Path.Combine(home, ".ssh"));
            await controller.ExecCheckAsync("mount", "-t", "tmpfs", "-o", "mode=0700", "lab-ssh", Path.Combine(home, ".ssh"));
        }
    }

    public ValueTask DisposeAsync()
    {
        foreach (var host in _hosts) host.Dispose();
        _controller?.Dispose();
        _switch?.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
        return ValueTask.CompletedTask;
    }
}
