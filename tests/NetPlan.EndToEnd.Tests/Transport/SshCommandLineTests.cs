using System.Net;
using NetPlan.Core.Language;
using NetPlan.Transport.Ssh;

namespace NetPlan.EndToEnd.Tests.Transport;

/// <summary>ssh's argv is built from typed settings only; nothing from the topology reaches a shell.</summary>
public sealed class SshCommandLineTests
{
    private const string Digest = "9870799863a14f76a4e461586a223f7c386a244334bd7dab3cf6012ba5ccd208";
    private static readonly SshOptions Options = new() { ControlDirectory = "/run/user/0/netplan-ssh", ConnectTimeout = TimeSpan.FromSeconds(7) };

    private static Node NodeWith(SshSettings ssh, IPAddress? address = null, string name = "web-1") =>
        new(name, address ?? IPAddress.Parse("192.0.2.10"), Connection.Ssh, ssh, SourceSpan.None);

    private static readonly SshSettings Bare = new(null, null, null, null, null, null, false);

    [Fact]
    public void Every_setting_becomes_its_own_argument_and_the_remote_command_follows_the_destination()
    {
        var node = NodeWith(new SshSettings("web-1.example", "ops", 2222, "/home/ops/.ssh/id_ed25519", "/etc/netplan/known_hosts", "/etc/netplan/ssh_config", Sudo: true));
        var target = SshTarget.For(node);

        var argv = SshCommandLine.Build(target, Options, RemoteCommand.ServeAgent(Digest, sudo: true));

        Assert.Equal(
        [
            "-F", "/etc/netplan/ssh_config",
            "-i", "/home/ops/.ssh/id_ed25519",
            "-o", "UserKnownHostsFile=\"/etc/netplan/known_hosts\"",
            "-p", "2222",
            "-l", "ops",
            "-o", "BatchMode=yes",
            "-o", "StrictHostKeyChecking=yes",
            "-o", "ConnectTimeout=7",
            "-o", "ServerAliveInterval=15",
            "-o", "ServerAliveCountMax=3",
            "-o", "ControlMaster=auto",
            "-o", "ControlPersist=60s",
            "-o", $"ControlPath=/run/user/0/netplan-ssh/{target.ControlSocketName()}",
            "-T",
            "--",
            "web-1.example",
            "sudo", "-n", "--", $"/var/lib/netplan/agent/{Digest}/netplan-agent", "serve",
        ], argv);
    }

    [Fact]
    public void Unset_settings_are_left_to_the_users_ssh_config_and_the_address_is_the_destination()
    {
        var argv = SshCommandLine.Build(SshTarget.For(NodeWith(Bare)), Options, RemoteCommand.AgentVersion(Digest, sudo: false));

        Assert.DoesNotContain("-F", argv);
        Assert.DoesNotContain("-i", argv);
        Assert.DoesNotContain("-p", argv);
        Assert.DoesNotContain("-l", argv);
        Assert.DoesNotContain(argv, a => a.StartsWith("UserKnownHostsFile", StringComparison.Ordinal));
        Assert.Equal(["--", "192.0.2.10", $"/var/lib/netplan/agent/{Digest}/netplan-agent", "--version"], argv.TakeLast(4));
    }

    [Fact]
    public void Without_host_or_address_the_node_name_is_the_destination_as_an_ssh_config_alias()
    {
        var node = new Node("edge-7", null, Connection.Ssh, Bare, SourceSpan.None);

        Assert.Equal("edge-7", SshTarget.For(node).Destination);
    }

    [Fact]
    public void Host_key_checking_is_never_weakened_and_ssh_never_prompts()
    {
        var argv = SshCommandLine.Build(SshTarget.For(NodeWith(Bare)), Options, RemoteCommand.ChecksumAgent(Digest, false));

        var options = argv.Zip(argv.Skip(1)).Where(p => p.First == "-o").Select(p => p.Second).ToList();
        Assert.Contains("StrictHostKeyChecking=yes", options);
        Assert.Contains("BatchMode=yes", options);
        Assert.DoesNotContain(options, o => o.Contains("accept-new", StringComparison.OrdinalIgnoreCase)
                                           || o.Equals("StrictHostKeyChecking=no", StringComparison.OrdinalIgnoreCase)
                                           || o.StartsWith("UserKnownHostsFile=/dev/null", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("-oProxyCommand=touch /tmp/pwned")]
    [InlineData("host name")]
    [InlineData("host\nname")]
    [InlineData("")]
    public void A_destination_ssh_could_misread_is_refused(string host)
    {
        var ex = Assert.Throws<ArgumentException>(() => SshTarget.For(NodeWith(Bare with { Host = host })));

        Assert.StartsWith("node 'web-1': ", ex.Message);
    }

    [Theory]
    [InlineData("-oProxyCommand=x")]
    [InlineData("root@other")]
    public void A_user_ssh_could_misread_is_refused(string user) =>
        Assert.Throws<ArgumentException>(() => SshTarget.For(NodeWith(Bare with { User = user })));

    [Fact]
    public void Percent_signs_in_paths_are_escaped_because_ssh_expands_tokens_there()
    {
        var node = NodeWith(Bare with { IdentityFile = "/keys/100%/id", KnownHostsFile = "/keys/50%/known hosts" });

        var argv = SshCommandLine.Build(SshTarget.For(node), Options, RemoteCommand.ChecksumAgent(Digest, false));

        Assert.Contains("/keys/100%%/id", argv);
        Assert.Contains("UserKnownHostsFile=\"/keys/50%%/known hosts\"", argv);
    }

    [Fact]
    public void Each_distinct_connection_gets_its_own_short_control_socket()
    {
        var a = SshTarget.For(NodeWith(Bare));
        var sameAgain = SshTarget.For(NodeWith(Bare, name: "renamed"));
        var otherKnownHosts = SshTarget.For(NodeWith(Bare with { KnownHostsFile = "/tmp/other_known_hosts" }));
        var otherUser = SshTarget.For(NodeWith(Bare with { User = "ops" }));

        Assert.Matches("^[0-9a-f]{20}$", a.ControlSocketName());
        Assert.Equal(a.ControlSocketName(), sameAgain.ControlSocketName());
        Assert.NotEqual(a.ControlSocketName(), otherKnownHosts.ControlSocketName());
        Assert.NotEqual(a.ControlSocketName(), otherUser.ControlSocketName());
    }

    [Fact]
    public void A_control_directory_too_long_for_a_unix_socket_is_refused_with_a_clear_message()
    {
        var options = Options with { ControlDirectory = "/" + new string('d', 80) };

        var ex = Assert.Throws<ArgumentException>(() => SshCommandLine.ControlPath(SshTarget.For(NodeWith(Bare)), options));

        Assert.Contains("too long", ex.Message);
    }
}
