using System.Security.Cryptography;
using System.Text;
using NetPlan.Core.Language;

namespace NetPlan.Transport.Ssh;

/// <summary>
/// Where and how to reach one node, from its validated topology entry. The destination is
/// <c>ssh.host</c>, else the node's address, else its name (an ssh_config alias).
/// </summary>
public sealed record SshTarget(string Node, string Destination, SshSettings Settings)
{
    public static SshTarget For(Node node)
    {
        var destination = node.Ssh.Host ?? node.Address?.ToString() ?? node.Name;
        // The loader validated names and addresses; this is the last line of defence against ssh
        // reading a destination as an option, or a path as something else.
        if (destination.Length == 0 || destination.StartsWith('-') || destination.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            throw new ArgumentException($"node '{node.Name}': '{destination}' is not a usable ssh destination", nameof(node));
        if (node.Ssh.User is { } user && (user.Length == 0 || user.StartsWith('-') || user.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == '@')))
            throw new ArgumentException($"node '{node.Name}': '{user}' is not a usable ssh user", nameof(node));
        if (node.Ssh.Port is { } port && port is < 1 or > 65535)
            throw new ArgumentException($"node '{node.Name}': port {port} is out of range", nameof(node));
        foreach (var path in new[] { node.Ssh.IdentityFile, node.Ssh.KnownHostsFile, node.Ssh.ConfigFile })
            if (path is not null && (!Path.IsPathFullyQualified(path) || path.Any(c => char.IsControl(c) || c == '"')))
                throw new ArgumentException($"node '{node.Name}': '{path}' is not a usable absolute path", nameof(node));
        return new SshTarget(node.Name, destination, node.Ssh);
    }

    /// <summary>
    /// Short, stable name for this target's ControlMaster socket: a hash of everything that makes a
    /// connection different, so two nodes (or two configs for one host) never share a master.
    /// </summary>
    public string ControlSocketName()
    {
        var identity = string.Join('\0', Destination, Settings.User ?? "", Settings.Port?.ToString() ?? "",
            Settings.ConfigFile ?? "", Settings.IdentityFile ?? "", Settings.KnownHostsFile ?? "");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..20];
    }
}
