using System.Diagnostics;
using NetPlan.EndToEnd.Tests.Lab;
using NetPlan.EndToEnd.Tests.Local;

namespace NetPlan.EndToEnd.Tests.Firewall;

/// <summary>
/// A <see cref="LocalHost"/> with an "outside" machine on its underlay: a namespace (in the host's
/// private /run/netns, never the machine's) joined to the host by a veth on 203.0.113.0/24 — host
/// 203.0.113.1 on <c>uplink</c>, outside 203.0.113.2. The outside has no route to the sandboxes'
/// subnets, so anything that reaches it from a sandbox was masqueraded. Listeners are socat
/// processes started with a fixed argv; all die with the host's PID namespace at the latest.
/// </summary>
public sealed class FirewallLab : IDisposable
{
    public const string Outside = "outside", HostAddress = "203.0.113.1", OutsideAddress = "203.0.113.2";

    private readonly List<Process> _listeners = [];

    private FirewallLab(LocalHost host) => Host = host;

    public LocalHost Host { get; }

    public static async Task<FirewallLab> StartAsync()
    {
        var host = await LocalHost.StartAsync();
        try
        {
            await host.ExecCheckAsync("ip", "netns", "add", Outside);
            await host.ExecCheckAsync("ip", "link", "add", "uplink", "type", "veth", "peer", "name", "eth0", "netns", Outside);
            await host.ExecCheckAsync("ip", "addr", "add", HostAddress + "/24", "dev", "uplink");
            await host.ExecCheckAsync("ip", "link", "set", "uplink", "up");
            await host.InSandboxCheckAsync(Outside, "ip", "addr", "add", OutsideAddress + "/24", "dev", "eth0");
            await host.InSandboxCheckAsync(Outside, "ip", "link", "set", "eth0", "up");
            await host.InSandboxCheckAsync(Outside, "ip", "link", "set", "lo", "up");
            return new FirewallLab(host);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Makes the outside send 127.0.0.1 to the node, as an attacker on the link would: its own
    /// loopback routes go from the local table, and 127.0.0.1 is routed via the node's address.
    /// </summary>
    public async Task RouteLoopbackToHostAsync()
    {
        await Host.InSandboxCheckAsync(Outside, "ip", "route", "del", "local", "127.0.0.0/8", "dev", "lo", "table", "local");
        await Host.InSandboxCheckAsync(Outside, "ip", "route", "del", "local", "127.0.0.1", "dev", "lo", "table", "local");
        await Host.InSandboxCheckAsync(Outside, "ip", "route", "add", "127.0.0.1/32", "via", HostAddress, "dev", "eth0", "src", OutsideAddress);
    }

    /// <summary>A TCP listener in <paramref name="where"/> ("" = the host) answering <paramref name="reply"/> to every connection.</summary>
    public Task ListenTcpAsync(string where, int port, string reply) =>
        StartListenerAsync(where, "socat", $"TCP-LISTEN:{port},fork,reuseaddr", $"EXEC:echo {reply}");

    /// <summary>A UDP listener answering every datagram with <paramref name="reply"/>.</summary>
    public Task ListenUdpAsync(string where, int port, string reply) =>
        StartListenerAsync(where, "socat", $"UDP-RECVFROM:{port},fork,reuseaddr", $"EXEC:echo {reply}");

    /// <summary>A TCP listener that answers with the address the connection came from, as it saw it.</summary>
    public Task ListenTcpEchoingPeerAsync(string where, int port) =>
        StartListenerAsync(where, "socat", $"TCP-LISTEN:{port},fork,reuseaddr", "SYSTEM:echo $SOCAT_PEERADDR");

    private async Task StartListenerAsync(string where, string program, params string[] arguments)
    {
        var start = where.Length == 0
            ? Host.StartInfo(program, arguments)
            : Host.StartInfo("ip", ["netns", "exec", where, program, .. arguments]);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        _listeners.Add(process);
        await Task.Delay(300); // socat binds at once; a probe that fails for another reason is retried anyway
        if (process.HasExited)
            throw new InvalidOperationException($"listener in {(where.Length == 0 ? "host" : where)} exited: {await process.StandardError.ReadToEndAsync()}");
    }

    /// <summary>A one-way UDP listener appending every datagram to a file in the scratch directory; returns the file's path.</summary>
    public async Task<string> UdpSinkAsync(string where, int port)
    {
        var path = Path.Combine(Host.Directory, $"udp-sink-{where}-{port}");
        await StartListenerAsync(where, "socat", "-u", $"UDP-RECV:{port},reuseaddr", $"OPEN:{path},creat,append");
        return path;
    }

    /// <summary>Sends one UDP datagram holding <paramref name="text"/> and a newline; expects no answer.</summary>
    public async Task SendUdpAsync(string from, string address, int port, string text)
    {
        var start = from.Length == 0 ? Host.StartInfo("socat", "-u", "STDIN", $"UDP:{address}:{port}")
            : Host.StartInfo("ip", "netns", "exec", from, "socat", "-u", "STDIN", $"UDP:{address}:{port}");
        (await Cmd.RunAsync(start, text + "\n", TimeSpan.FromSeconds(15))).Check($"sending UDP to {address}:{port}");
    }

    /// <summary>What a TCP connection from <paramref name="from"/> ("" = the host) to ADDRESS:PORT reads, or null when it fails.</summary>
    public async Task<string?> TcpAsync(string from, string address, int port) =>
        await ProbeAsync(from, null, "socat", "-T", "2", "-t", "2", "STDIO", $"TCP:{address}:{port},connect-timeout=2");

    /// <summary>
    /// The answer to one UDP datagram, or null when none comes back within 2 s. A probe that expects
    /// an answer goes through <see cref="EventuallyAsync"/>: the UDP listener's child for the previous
    /// datagram lingers about half a second on the same socket and may take the next datagram
    /// unanswered (without the retry this test failed one run in two, on 2026-12-06).
    /// </summary>
    public async Task<string?> UdpAsync(string from, string address, int port) =>
        await ProbeAsync(from, "ping\n", "socat", "-T", "2", "STDIO", $"UDP:{address}:{port}");

    private async Task<string?> ProbeAsync(string from, string? stdin, string program, params string[] arguments)
    {
        var start = from.Length == 0 ? Host.StartInfo(program, arguments) : Host.StartInfo("ip", ["netns", "exec", from, program, .. arguments]);
        var result = await Cmd.RunAsync(start, stdin, TimeSpan.FromSeconds(15));
        var text = result.Stdout.Trim();
        return result.ExitCode == 0 && text.Length > 0 ? text : null;
    }

    /// <summary>Retries a probe expected to succeed for a few seconds (listeners start asynchronously).</summary>
    public static async Task<string?> EventuallyAsync(Func<Task<string?>> probe)
    {
        for (var attempt = 0; ; attempt++)
        {
            var answer = await probe();
            if (answer is not null || attempt == 5) return answer;
            await Task.Delay(500);
        }
    }

    public async Task<string> RulesetAsync() => (await Host.ExecCheckAsync("nft", "list", "ruleset")).Stdout;

    public void Dispose()
    {
        foreach (var listener in _listeners)
        {
            try { if (!listener.HasExited) listener.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            listener.Dispose();
        }
        Host.Dispose();
    }
}
