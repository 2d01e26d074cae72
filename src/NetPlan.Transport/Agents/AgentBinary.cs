using System.Security.Cryptography;

namespace NetPlan.Transport.Agents;

/// <summary>The self-contained agent binary netplan ships to SSH nodes, and its content digest (its version, as far as shipping cares).</summary>
public sealed record AgentBinary(string Path, string Sha256)
{
    /// <summary>Overrides where the agent binary is taken from (tests, packagers).</summary>
    public const string PathVariable = "NETPLAN_AGENT_BINARY";

    /// <summary><c>$NETPLAN_AGENT_BINARY</c>, else <c>netplan-agent</c> next to the running netplan (where publish puts it).</summary>
    public static AgentBinary Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(PathVariable);
        var path = string.IsNullOrEmpty(fromEnvironment)
            ? System.IO.Path.Combine(AppContext.BaseDirectory, "netplan-agent")
            : fromEnvironment;
        if (!File.Exists(path))
            throw new FileNotFoundException(string.IsNullOrEmpty(fromEnvironment)
                ? $"the agent binary for SSH nodes is missing: expected {path} (publish netplan with `dotnet publish src/NetPlan.Cli`, or set {PathVariable})"
                : $"{PathVariable} names {path}, which does not exist", path);
        return FromFile(path);
    }

    public static AgentBinary FromFile(string path)
    {
        using var stream = File.OpenRead(path);
        return new AgentBinary(System.IO.Path.GetFullPath(path), Convert.ToHexStringLower(SHA256.HashData(stream)));
    }
}
