using NetPlan.Core.State;

namespace NetPlan.Agent.Host;

/// <summary>The one place that decides which agent <c>netplan-agent serve</c> puts behind the protocol.</summary>
internal static class AgentFactory
{
    // The in-process agent (NetPlan.Agent.LocalHostAgent) is built on the kernel branch. Until that
    // branch is merged here, `serve` answers with this clear refusal instead of a fake agent.
    public static IHostAgent CreateLocal() =>
        throw new NotSupportedException("this netplan-agent build has no local host agent yet (NetPlan.Agent.LocalHostAgent is not merged)");
}
