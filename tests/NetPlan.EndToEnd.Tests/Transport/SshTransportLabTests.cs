using System.Collections.Concurrent;
using System.Net;
using NetPlan.Core.Language;
using NetPlan.EndToEnd.Tests.Lab;
using NetPlan.Tests;
using NetPlan.Transport.Agents;
using NetPlan.Transport.Nodes;
using NetPlan.Transport.Ssh;

namespace NetPlan.EndToEnd.Tests.Transport;

/// <summary>The OpenSSH executor against the lab's real sshd hosts, shipping the real published agent.</summary>
[Collection(SshLabCollection.Name)]
public sealed class SshTransportLabTests(SshLabFixture fixture)
{
    private readonly ConcurrentBag<ConnectRetry> _retries = new();

    private async Task<(SshLab Lab, SshAgentConnector Ssh, AgentBinary Agent)> SetUpAsync()
    {
        var lab = await fixture.LabAsync();
        var agent = await PublishedBuild.AgentAsync();
        return (lab, new SshAgentConnector(lab.SshOptions, () => agent, _retries.Add), agent);
    }

    private static async Task ForgetShippedAgentsAsync(LabHost host) =>
        await host.ExecCheckAsync("rm", "-rf", RemoteCommand.AgentRoot);

    [SkippableFact]
    public async Task The_agent_is_uploaded_once_under_its_digest_and_the_next_connection_reuses_it()
    {
        Privileged.Require();
        var (lab, ssh, agent) = await SetUpAsync();
        var host = lab.Hosts[0];
        await ForgetShippedAgentsAsync(host);
        var remotePath = RemoteCommand.AgentPath(agent.Sha256);

        var first = await ssh.EnsureAgentAsync(host.Node());
        var shippedAt = (await host.ExecCheckAsync("stat", "-c", "%Y.%i", remotePath)).Stdout.Trim();
        var second = await new SshAgentConnector(lab.SshOptions, () => agent).EnsureAgentAsync(host.Node());

        Assert.Equal(AgentShipping.Uploaded, first);
        Assert.Equal(AgentShipping.AlreadyPresent, second);
        // Same file (inode) with the same mtime: the second connection did not write it again.
        Assert.Equal(shippedAt, (await host.ExecCheckAsync("stat", "-c", "%Y.%i", remotePath)).Stdout.Trim());
        Assert.StartsWith(agent.Sha256 + " ", (await host.ExecCheckAsync("sha256sum", remotePath)).Stdout);
        // Root-owned and private, as shipped without sudo by root.
        Assert.Equal("root 700", (await host.ExecCheckAsync("stat", "-c", "%U %a", remotePath)).Stdout.Trim());
        Assert.Equal("root 700", (await host.ExecCheckAsync("stat", "-c", "%U %a", RemoteCommand.AgentDirectory(agent.Sha256))).Stdout.Trim());
        // Nothing half-written left beside it.
        Assert.Equal(["netplan-agent"], (await host.ExecCheckAsync("ls", "-A", RemoteCommand.AgentDirectory(agent.Sha256))).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [SkippableFact]
    public async Task The_shipped_agent_runs_on_the_node_with_its_fixed_argv()
    {
        Privileged.Require();
        var (lab, ssh, agent) = await SetUpAsync();
        var node = lab.Hosts[1].Node(sudo: false);
        await ssh.EnsureAgentAsync(node);

        var version = await ssh.RunAsync(node, RemoteCommand.AgentVersion(agent.Sha256, sudo: false));

        Assert.Matches($@"^netplan-agent \S+ \(protocol {NetPlan.Agent.Protocol.AgentProtocol.Version}\)\n$", version);
    }

    [SkippableFact]
    public async Task A_damaged_copy_under_the_digest_is_replaced_and_verified()
    {
        Privileged.Require();
        var (lab, ssh, agent) = await SetUpAsync();
        var host = lab.Hosts[2];
        await ssh.EnsureAgentAsync(host.Node());
        await host.ExecCheckAsync("truncate", "-s", "1000", RemoteCommand.AgentPath(agent.Sha256));

        var shipping = await ssh.EnsureAgentAsync(host.Node());

        Assert.Equal(AgentShipping.Uploaded, shipping);
        Assert.StartsWith(agent.Sha256 + " ", (await host.ExecCheckAsync("sha256sum", RemoteCommand.AgentPath(agent.Sha256))).Stdout);
    }

    [SkippableFact]
    public async Task A_host_presenting_a_key_other_than_known_hosts_says_is_refused_clearly_and_not_retried()
    {
        Privileged.Require();
        var (lab, ssh, _) = await SetUpAsync();
        var host = lab.Hosts[1];
        var knownHosts = await lab.KnownHostsWithWrongKeyAsync(host);
        var connectionsBefore = host.ConnectionsFromController;

        var ex = await Assert.ThrowsAsync<SshException>(() => ssh.ConnectAsync(host.Node(knownHostsFile: knownHosts)));

        Assert.Equal(SshFailure.HostKeyRejected, ex.Failure);
        Assert.Equal(host.Name, ex.Node);
        Assert.StartsWith($"{host.Name}: the host key does not match known_hosts", ex.Message);
        Assert.Contains("Host key verification failed", ex.Message);
        Assert.Empty(_retries);
        // Exactly one TCP connection reached the host: no retry behind the error.
        await WaitForAsync(() => host.ConnectionsFromController > connectionsBefore);
        Assert.Equal(connectionsBefore + 1, host.ConnectionsFromController);
    }

    [SkippableFact]
    public async Task An_unreachable_node_fails_by_name_after_its_retries_while_the_other_nodes_complete()
    {
        Privileged.Require();
        var (lab, ssh, _) = await SetUpAsync();
        var ghost = lab.Hosts[0].Node() with { Name = "ghost", Address = SshLab.UnusedAddress };
        var nodes = lab.Hosts.Select(h => h.Node()).Append(ghost).ToList();

        var outcomes = await BoundedParallel.RunAsync(nodes, n => n.Name, parallelism: 2,
            (node, ct) => ssh.EnsureAgentAsync(node, ct));

        Assert.Equal(nodes.Select(n => n.Name), outcomes.Select(o => o.Name));
        Assert.All(outcomes.Where(o => o.Name != "ghost"), o => Assert.True(o.Succeeded, o.Error?.ToString()));
        var failed = Assert.Single(outcomes, o => !o.Succeeded);
        var error = Assert.IsType<SshException>(failed.Error);
        Assert.Equal(("ghost", SshFailure.Connection), (error.Node, error.Failure));
        Assert.StartsWith("ghost: cannot connect: ", error.Message);
        Assert.Contains(SshLab.UnusedAddress.ToString(), error.Message);
        // Connection failures are retried (the lab allows two tries), and only the ghost's.
        var retry = Assert.Single(_retries);
        Assert.Equal(("ghost", 2), (retry.Node, retry.NextAttempt));
    }

    [SkippableFact]
    public async Task The_first_session_creates_the_ControlMaster_and_later_sessions_reuse_its_connection()
    {
        Privileged.Require();
        var (lab, ssh, agent) = await SetUpAsync();
        var host = lab.Hosts[2];
        var node = host.Node();
        var controlPath = SshCommandLine.ControlPath(SshTarget.For(node), lab.SshOptions);
        // Start from no master (an earlier test may have left one persisting).
        await Cmd.RunAsync(Cmd.StartInfo(lab.SshWrapper, ["-o", $"ControlPath={controlPath}", "-O", "exit", "--", host.Address.ToString()]));
        Assert.False(File.Exists(controlPath));
        var connections = host.ConnectionsFromController;

        await ssh.EnsureAgentAsync(node);
        for (var i = 0; i < 3; i++)
            await ssh.RunAsync(node, RemoteCommand.AgentVersion(agent.Sha256, sudo: false));

        Assert.True(File.Exists(controlPath), $"no ControlMaster socket at {controlPath}");
        var check = await Cmd.RunAsync(Cmd.StartInfo(lab.SshWrapper, ["-o", $"ControlPath={controlPath}", "-O", "check", "--", host.Address.ToString()]));
        Assert.StartsWith("Master running", check.Stderr);
        await WaitForAsync(() => host.ConnectionsFromController > connections);
        Assert.Equal(connections + 1, host.ConnectionsFromController);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        // sshd's log arrives asynchronously; give it a moment, then let the assertion speak.
        for (var i = 0; i < 50 && !condition(); i++) await Task.Delay(100);
    }
}
