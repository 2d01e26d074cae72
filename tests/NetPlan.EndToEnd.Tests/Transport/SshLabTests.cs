using NetPlan.EndToEnd.Tests.Lab;
using NetPlan.Tests;

namespace NetPlan.EndToEnd.Tests.Transport;

/// <summary>The lab itself: hosts are separate machines that answer over real SSH, and only there.</summary>
[Collection(SshLabCollection.Name)]
public sealed class SshLabTests(SshLabFixture fixture)
{
    [SkippableFact]
    public async Task Every_lab_host_runs_a_command_over_ssh_by_its_alias_and_is_its_own_machine()
    {
        Privileged.Require();
        var lab = await fixture.LabAsync();

        foreach (var host in lab.Hosts)
        {
            var ssh = await Cmd.RunAsync(Cmd.StartInfo(lab.SshWrapper,
                ["-F", lab.SshConfigFile, "-o", "BatchMode=yes", "--", host.Name, "ip", "-4", "-o", "addr", "show", "dev", "eth0"]));

            ssh.Check($"ssh {host.Name}");
            Assert.Contains($"inet {host.Address}/24", ssh.Stdout);
        }
    }

    [SkippableFact]
    public async Task A_program_run_in_the_controller_reaches_the_hosts_with_its_own_private_ssh_state()
    {
        Privileged.Require();
        var lab = await fixture.LabAsync();
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

        var ssh = await Cmd.RunAsync(lab.ControllerCommand("ssh", "-F", lab.SshConfigFile, "-o", "BatchMode=yes", "--", lab.Hosts[2].Name, "true"));
        var sshDir = await Cmd.RunAsync(lab.ControllerCommand("ls", "-A", Path.Combine(home, ".ssh")));

        ssh.Check("ssh from the controller");
        // The controller's ~/.ssh is a private, empty tmpfs: the user's keys and config stay out of the lab.
        Assert.Equal("", sshDir.Check("ls ~/.ssh in the controller").Stdout.Trim());
    }

    [SkippableFact]
    public async Task Hosts_have_private_state_directories_and_reach_each_other_on_the_switch()
    {
        Privileged.Require();
        var lab = await fixture.LabAsync();
        var (one, two) = (lab.Hosts[0], lab.Hosts[1]);

        await one.ExecCheckAsync("touch", "/var/lib/netplan/only-on-host1", "/run/netns/only-on-host1");

        Assert.Equal(0, (await one.ExecAsync("test", "-e", "/var/lib/netplan/only-on-host1")).ExitCode);
        Assert.NotEqual(0, (await two.ExecAsync("test", "-e", "/var/lib/netplan/only-on-host1")).ExitCode);
        Assert.NotEqual(0, (await two.ExecAsync("test", "-e", "/run/netns/only-on-host1")).ExitCode);
        Assert.False(File.Exists("/var/lib/netplan/only-on-host1"));
        await one.ExecCheckAsync("rm", "/var/lib/netplan/only-on-host1", "/run/netns/only-on-host1");
        (await one.ExecAsync("ping", "-c", "1", "-W", "2", two.Address.ToString())).Check("ping host2 from host1");
    }

    [SkippableFact]
    public async Task A_lab_leaves_nothing_behind()
    {
        Privileged.Require();
        var lab = await SshLab.StartAsync(1);
        var holders = lab.Hosts.Select(h => h.Namespaces.Pid).Append(lab.Controller.Pid).ToList();
        var directory = lab.Directory;

        await lab.DisposeAsync();

        Assert.All(holders, pid => Assert.False(Directory.Exists($"/proc/{pid}"), $"namespace holder {pid} still runs"));
        Assert.False(Directory.Exists(directory));
    }
}
