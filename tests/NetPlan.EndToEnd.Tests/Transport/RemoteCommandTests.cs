using NetPlan.Transport.Ssh;

namespace NetPlan.EndToEnd.Tests.Transport;

public sealed class RemoteCommandTests
{
    private const string Digest = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Fact]
    public void The_agent_lives_under_its_own_digest()
    {
        Assert.Equal($"/var/lib/netplan/agent/{Digest}/netplan-agent", RemoteCommand.AgentPath(Digest));
        Assert.Equal(["sha256sum", $"/var/lib/netplan/agent/{Digest}/netplan-agent"], RemoteCommand.ChecksumAgent(Digest, sudo: false).Words);
        Assert.Equal(["sudo", "-n", "--", $"/var/lib/netplan/agent/{Digest}/netplan-agent", "serve"], RemoteCommand.ServeAgent(Digest, sudo: true).Words);
    }

    [Fact]
    public void The_upload_writes_a_temporary_file_and_renames_it_into_place()
    {
        var dir = $"/var/lib/netplan/agent/{Digest}";

        var words = RemoteCommand.UploadAgent(Digest, sudo: true).Words;

        Assert.Equal(["sudo", "-n", "--", "sh", "-c"], words.Take(5));
        Assert.Equal(
            $"'umask 077 && mkdir -p {dir} && cat > {dir}/.upload.$$ && chmod 0700 {dir}/.upload.$$ && mv -f {dir}/.upload.$$ {dir}/netplan-agent || {{ rm -f {dir}/.upload.$$; exit 1; }}'",
            words[5]);
        Assert.Equal(6, words.Count);
    }

    [Fact]
    public void The_agent_is_started_only_after_its_digest_checks_out_in_the_same_remote_process()
    {
        var path = $"/var/lib/netplan/agent/{Digest}/netplan-agent";

        var words = RemoteCommand.ServeVerifiedAgent(Digest, sudo: false).Words;

        Assert.Equal(["sh", "-c", $"'echo \"{Digest}  {path}\" | sha256sum --check --status 2>/dev/null || exit 97; exec {path} serve'"], words);
        Assert.Equal(97, RemoteCommand.AgentMissingExitCode);
    }

    [Theory]
    [InlineData("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("0123456789abcdef")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde;")]
    [InlineData("$(reboot)")]
    public void Anything_but_a_lower_case_hex_sha256_is_refused_before_it_reaches_a_remote_shell(string digest)
    {
        Assert.Throws<ArgumentException>(() => RemoteCommand.UploadAgent(digest, sudo: false));
        Assert.Throws<ArgumentException>(() => RemoteCommand.ServeAgent(digest, sudo: false));
        Assert.Throws<ArgumentException>(() => RemoteCommand.ServeVerifiedAgent(digest, sudo: false));
    }
}
