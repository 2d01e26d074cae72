using NetPlan.Core.State;

namespace NetPlan.Agent.Host;

/// <summary>The one place that decides which agent <c>netplan-agent serve</c> puts behind the protocol.</summary>
internal static class AgentFactory
{
    /// <summary>The kernel agent for the machine (namespaces) this process runs in.</summary>
    public static IHostAgent CreateLocal() => new LocalHostAgent();
}
