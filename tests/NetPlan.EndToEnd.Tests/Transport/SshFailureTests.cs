using NetPlan.Transport.Ssh;

namespace NetPlan.EndToEnd.Tests.Transport;

/// <summary>ssh's exit code and its own words decide what a failure is, and so whether it is retried.</summary>
public sealed class SshFailureTests
{
    private const string ChangedKey = """
        @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
        @    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @
        @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
        IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!
        Host key for 198.51.100.12 has changed and you have requested strict checking.
        Host key verification failed.
        """;

    [Theory]
    [InlineData(ChangedKey, SshFailure.HostKeyRejected)]
    [InlineData("No ED25519 host key is known for 198.51.100.12 and you have requested strict checking.\nHost key verification failed.", SshFailure.HostKeyRejected)]
    [InlineData("root@198.51.100.12: Permission denied (publickey).", SshFailure.AuthenticationFailed)]
    [InlineData("ssh: connect to host 198.51.100.99 port 22: No route to host", SshFailure.Connection)]
    [InlineData("ssh: connect to host 198.51.100.99 port 22: Connection timed out", SshFailure.Connection)]
    [InlineData("kex_exchange_identification: read: Connection reset by peer", SshFailure.Connection)]
    public void Exit_255_is_classified_by_what_ssh_said(string stderr, SshFailure expected)
    {
        var ex = SshException.FromExit("db-1", "checking the agent", 255, stderr);

        Assert.Equal(expected, ex.Failure);
        Assert.Equal("db-1", ex.Node);
        Assert.StartsWith("db-1: ", ex.Message);
    }

    [Fact]
    public void A_changed_host_key_message_says_what_to_do_and_keeps_sshs_facts_without_the_banner()
    {
        var ex = SshException.FromExit("db-1", "checking the agent", 255, ChangedKey);

        Assert.Equal(
            "db-1: the host key does not match known_hosts (or is not in it); netplan never bypasses host key checking. " +
            "Verify the host's key and update known_hosts. ssh said: IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY! | " +
            "Host key for 198.51.100.12 has changed and you have requested strict checking. | Host key verification failed.",
            ex.Message);
    }

    [Fact]
    public void Other_exit_codes_belong_to_the_remote_command_even_when_the_text_looks_like_a_connection_error()
    {
        var ex = SshException.FromExit("db-1", "uploading the agent", 1, "sudo: a password is required\nConnection timed out");

        Assert.Equal(SshFailure.RemoteCommandFailed, ex.Failure);
        Assert.Equal("db-1: uploading the agent failed (exit code 1): sudo: a password is required\nConnection timed out", ex.Message);
        Assert.Equal(1, ex.ExitCode);
    }
}
