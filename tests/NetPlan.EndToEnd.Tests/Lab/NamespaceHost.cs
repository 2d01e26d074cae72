using System.Diagnostics;

namespace NetPlan.EndToEnd.Tests.Lab;

/// <summary>
/// A "machine" made of fresh network, mount and PID namespaces, held open by one long-lived process
/// (<c>unshare ... cat</c>). Teardown is by construction: the namespace's PID 1 is <c>cat</c> reading a
/// pipe only this test process holds, so when the test process ends (normally, by exception or by
/// SIGKILL) the pipe closes, PID 1 exits, the kernel kills every process in the PID namespace (sshd,
/// agents, ssh masters) and the network namespace with all its links disappears.
/// </summary>
public sealed class NamespaceHost : IDisposable
{
    private readonly Process _holder;

    private NamespaceHost(string name, Process holder)
    {
        Name = name;
        _holder = holder;
    }

    public string Name { get; }

    /// <summary>PID (in the test's PID namespace) of the unshare process, which sits in the new net and mount namespaces.</summary>
    public int Pid => _holder.Id;

    public string NetNamespacePath => $"/proc/{Pid}/ns/net";

    public static async Task<NamespaceHost> StartAsync(string name)
    {
        var start = Cmd.StartInfo("unshare",
        [
            "--net", "--mount", "--pid", "--mount-proc", "--propagation", "private", "--fork", "--kill-child", "--",
            // A constant script: say the namespaces exist, then hold them until stdin closes.
            "sh", "-c", "echo ready; exec cat",
        ]);
        var holder = Process.Start(start) ?? throw new InvalidOperationException("cannot start unshare");
        var host = new NamespaceHost(name, holder);
        try
        {
            var ready = await holder.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
            if (ready != "ready")
                throw new InvalidOperationException($"lab host {name}: unshare failed: {await holder.StandardError.ReadToEndAsync()}");
            await host.ExecCheckAsync("ip", "link", "set", "lo", "up");
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>The argv prefix that runs a program inside this host (network, mount and PID namespaces).</summary>
    public IReadOnlyList<string> EnterArguments =>
        ["-t", Pid.ToString(), "--net", "--mount", $"--pid=/proc/{Pid}/ns/pid_for_children", "--"];

    public ProcessStartInfo StartInfo(string program, params string[] arguments) =>
        Cmd.StartInfo("nsenter", [.. EnterArguments, program, .. arguments]);

    /// <summary>
    /// Runs a program in this host's network namespace only, keeping the test's mounts and PIDs
    /// (e.g. <c>ip link ... netns PID</c>, where PID is a test-side PID).
    /// </summary>
    public async Task<Cmd.Result> ExecNetCheckAsync(string program, params string[] arguments) =>
        (await Cmd.RunAsync(Cmd.StartInfo("nsenter", ["-t", Pid.ToString(), "--net", "--", program, .. arguments])))
        .Check($"[{Name}] {program} {string.Join(' ', arguments)}");

    public Task<Cmd.Result> ExecAsync(string program, params string[] arguments) => Cmd.RunAsync(StartInfo(program, arguments));

    public async Task<Cmd.Result> ExecCheckAsync(string program, params string[] arguments) =>
        (await ExecAsync(program, arguments)).Check($"[{Name}] {program} {string.Join(' ', arguments)}");

    public void Dispose()
    {
        try
        {
            // EOF for PID 1; then make sure, even if something ignored it.
            _holder.StandardInput.Close();
            if (!_holder.WaitForExit(TimeSpan.FromSeconds(5)))
                _holder.Kill(entireProcessTree: true);
            _holder.WaitForExit(TimeSpan.FromSeconds(5));
        }
        catch (InvalidOperationException) { }
        _holder.Dispose();
    }
}
