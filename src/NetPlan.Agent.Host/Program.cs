using System.Reflection;
using NetPlan.Agent.Host;
using NetPlan.Agent.Protocol;

// netplan-agent: the binary netplan ships to every SSH node. It speaks the JSON-lines agent
// protocol on stdin/stdout; everything human-readable goes to stderr. Exit codes stay below 255,
// because ssh uses 255 for its own failures and netplan must be able to tell them apart.

const int Ok = 0, Usage = 2;

var version = typeof(AgentFactory).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
              ?? typeof(AgentFactory).Assembly.GetName().Version?.ToString() ?? "unknown";
// Drop the "+commit" suffix the SDK appends; the content digest already identifies the build.
version = version.Split('+')[0];

switch (args)
{
    case ["--version"]:
        Console.WriteLine($"netplan-agent {version} (protocol {AgentProtocol.Version})");
        return Ok;
    case ["serve"]:
        return await ServeAsync();
    default:
        Console.Error.WriteLine("usage: netplan-agent serve | netplan-agent --version");
        return Usage;
}

static Task<int> ServeAsync() => AgentServer.ServeStandardStreamsAsync(AgentFactory.CreateLocal, "netplan-agent");
