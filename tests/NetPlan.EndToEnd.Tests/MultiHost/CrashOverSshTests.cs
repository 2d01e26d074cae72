using System.Diagnostics;
using NetPlan.EndToEnd.Tests.Lab;
using NetPlan.Tests;
using static NetPlan.EndToEnd.Tests.MultiHost.MultiHostLab;

namespace NetPlan.EndToEnd.Tests.MultiHost;

/// <summary>
/// Issue 8, crash recovery over SSH: the remote netplan-agent is killed with SIGKILL in the middle
/// of a real apply; the next apply converges, a plan after it is empty, and destroy leaves the host
/// exactly as before, a foreign namespace included.
/// </summary>
[Collection(MultiHostCollection.Name)]
public sealed class CrashOverSshTests(MultiHostLab fixture)
{
    private static string Sandboxes(int count) => $"""
        networks:
          crash: {"{"} subnet: 10.61.0.0/24 {"}"}
        sandboxes:
        {string.Join("\n", Enumerable.Range(1, count).Select(i => $"  c{i}: {{ node: host3, networks: [crash] }}"))}
        """;

    [SkippableTheory]
    [InlineData("namespaces", 1)]
    [InlineData("namespaces", 60)]
    [InlineData("files", 40)]
    public async Task The_remote_agent_killed_mid_apply_leaves_a_host_the_next_apply_converges(string phase, int reached)
    {
        Privileged.Require();
        var lab = await fixture.StartAsync();
        var host = lab.Hosts[2];
        await host.ExecCheckAsync("ip", "netns", "add", "foreign-ssh");
        var file = lab.Write(lab.Head("mh-crash", [host]) + Sandboxes(120), "mh-crash");
        try
        {
            var before = await SnapshotAsync(host);
            var doomed = lab.NetplanAsync("apply", file);
            var agent = await AgentProcessAsync(host);
            SpinWait.SpinUntil(() => agent.HasExited || Count(host, phase) >= reached, TimeSpan.FromMinutes(1));
            agent.Kill();
            var killed = await doomed;
            Assert.True(killed.ExitCode == 1, $"apply finished before {reached} {phase} existed:\n{killed.Stderr}");
            Assert.Contains("error: node 'host3'", killed.Stderr);

            var again = await lab.NetplanAsync("apply", "--lock-timeout", "0s", file);
            Assert.True(again.ExitCode == 0, $"after a kill at {reached} {phase}:\n{again.Stderr}{again.Stdout}");
            var plan = await lab.NetplanAsync("plan", "--detailed-exitcode", file);
            Assert.True(plan.ExitCode == 0, plan.Stderr + plan.Stdout);

            var destroy = await lab.NetplanAsync("destroy", file);
            Assert.True(destroy.ExitCode == 0, destroy.Stderr + destroy.Stdout);
            Assert.Equal(before, await SnapshotAsync(host));
        }
        finally
        {
            await lab.CleanUpAsync(file);
            await host.ExecAsync("ip", "netns", "del", "foreign-ssh");
        }
    }

    private static string Inside(LabHost host, string path) => $"/proc/{host.Namespaces.Pid}/root{path}";

    private static int Count(LabHost host, string phase) => phase == "files"
        ? Directory.EnumerateFiles(Inside(host, "/etc/netns"), "*", SearchOption.AllDirectories).Count()
        : Directory.EnumerateFiles(Inside(host, "/run/netns")).Count(n => Path.GetFileName(n).StartsWith('c'));

    /// <summary>The netplan-agent serving on <paramref name="host"/> (the process in that host's network namespace).</summary>
    private static async Task<Process> AgentProcessAsync(LabHost host)
    {
        var hostNet = new FileInfo($"/proc/{host.Namespaces.Pid}/ns/net").LinkTarget;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
                try
                {
                    if (File.ReadAllText(Path.Combine(dir, "comm")).Trim() == "netplan-agent"
                        && new FileInfo(Path.Combine(dir, "ns/net")).LinkTarget == hostNet)
                        return Process.GetProcessById(pid);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            }
            await Task.Delay(5);
        }
        throw new TimeoutException("no netplan-agent started on " + host.Name);
    }
}
