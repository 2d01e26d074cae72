using NetPlan.Core.State;
using NetPlan.Core.Language;
using NetPlan.Transport.Ssh;

namespace NetPlan.Transport.Nodes;

/// <summary>
/// Turns a topology node into its agent: over SSH for <c>connection: ssh</c>, or whatever the caller
/// supplies for <c>connection: local</c> (the CLI passes the in-process agent).
/// </summary>
public sealed class NodeConnector(SshAgentConnector ssh, Func<Node, CancellationToken, ValueTask<IHostAgent>> connectLocal)
{
    public SshAgentConnector Ssh => ssh;

    public async ValueTask<IHostAgent> ConnectAsync(Node node, CancellationToken cancellationToken = default) =>
        node.Connection switch
        {
            Connection.Local => await connectLocal(node, cancellationToken).ConfigureAwait(false),
            Connection.Ssh => await ssh.ConnectAsync(node, cancellationToken).ConfigureAwait(false),
            _ => throw new ArgumentOutOfRangeException(nameof(node), node.Connection, $"node '{node.Name}': unknown connection kind"),
        };
}
