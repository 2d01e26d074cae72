using System.CommandLine;
using NetPlan.Agent;
using NetPlan.Agent.Protocol;

namespace NetPlan.Cli.Commands;

/// <summary>
/// <c>netplan agent</c>: this host's agent speaking the JSON-lines protocol on stdin/stdout — the
/// same server the shipped <c>netplan-agent serve</c> runs, for hosts that have netplan itself.
/// </summary>
internal static class AgentCommand
{
    public static Command Create()
    {
        var command = new Command("agent", "Serve this host's agent over the JSON-lines protocol on stdin/stdout (what SSH nodes run)");
        command.SetAction((_, _) => AgentServer.ServeStandardStreamsAsync(() => new LocalHostAgent(), "netplan agent"));
        return command;
    }
}
