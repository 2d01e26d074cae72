using System.Reflection;
using NetPlan.Agent.Apply;
using NetPlan.Agent.Hello;
using NetPlan.Agent.Locking;
using NetPlan.Agent.Observe;
using NetPlan.Core.Planning;
using NetPlan.Core.State;
using NetPlan.Kernel.Interop;
using NetPlan.Kernel.Namespaces;

namespace NetPlan.Agent;

/// <summary>Where a <see cref="LocalHostAgent"/> finds things. Production uses the defaults.</summary>
public sealed record LocalHostAgentOptions
{
    /// <summary>Named namespaces (`ip netns`): sandboxes live here.</summary>
    public string NetnsDirectory { get; init; } = NamedNamespaces.DefaultDirectory;

    /// <summary>Per-namespace files (`ip netns exec` bind-mounts /etc/netns/NAME/*): emptied directories here are removed.</summary>
    public string EtcNetnsDirectory { get; init; } = "/etc/netns";

    /// <summary>
    /// The namespace that plays "the host" (namespace ""). Null = the agent's own network namespace.
    /// Tests point it at a throwaway namespace so nothing touches the machine's real host namespace.
    /// </summary>
    public string? HostNamespacePath { get; init; }

    /// <summary>
    /// Called before each operation index of an apply, on the applying thread. Fault-injection tests
    /// use it to put a real obstacle in the kernel's way of operation k; nothing else sets it.
    /// </summary>
    internal Action<int, Operation>? BeforeOperation { get; init; }

    /// <summary>Where the per-topology apply locks live (see <see cref="TopologyLocks"/>).</summary>
    public string LockDirectory { get; init; } = TopologyLocks.DefaultDirectory;
}

/// <summary>
/// The host agent, in process: observes and changes this host's kernel through netlink. The same
/// object serves `connection: local` directly and `connection: ssh` behind the JSON-lines protocol.
/// Requests are serialised: rtnetlink takes one global lock anyway, so parallelism gains nothing.
/// </summary>
public sealed class LocalHostAgent : IHostAgent
{
    private readonly LocalHostAgentOptions _options;
    private readonly NamespaceConnections _connections;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private LinkKindProbe? _kinds;

    public LocalHostAgent(LocalHostAgentOptions? options = null)
    {
        _options = options ?? new LocalHostAgentOptions();
        _connections = new NamespaceConnections(new NamedNamespaces(_options.NetnsDirectory), _options.HostNamespacePath);
    }

    /// <summary>
    /// Call early in a process that is about to run a local agent (the CLI does before loading the
    /// topology). An observation opens a socket per namespace, and each time the process's
    /// descriptor table doubles the kernel waits for an RCU grace period (~10 ms): grown now, on
    /// another thread, the wait passes while the topology loads. Room for 1000 sandboxes; more
    /// grow it again when observed.
    /// </summary>
    public static void PrepareProcess() => _ = Task.Run(() => DescriptorTable.Reserve(2048));

    public static string Version =>
        typeof(LocalHostAgent).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(LocalHostAgent).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    public Task<HostFacts> HelloAsync(CancellationToken cancellationToken = default) =>
        Serialised(() => Facts(NamespaceSnapshot.Take("", _connections.Host)), cancellationToken);

    /// <summary>
    /// The facts and the objects from one read of the host's links: with 1000 sandboxes that dump
    /// is the costliest of the observation (the kernel looks up each veth's peer namespace).
    /// </summary>
    public Task<Observation> ObserveAsync(ObserveScope scope, CancellationToken cancellationToken = default) =>
        Serialised(() =>
        {
            var state = new Observer(_connections, _options.EtcNetnsDirectory).Observe(scope, out var host);
            return new Observation(Facts(host), state);
        }, cancellationToken);

    public Task<ApplyResult> ApplyAsync(IReadOnlyList<Operation> operations, OnFailure onFailure, CancellationToken cancellationToken = default) =>
        Serialised(() => new Applier(_connections, _options.EtcNetnsDirectory, _options.BeforeOperation).Apply(operations, onFailure, cancellationToken),
            cancellationToken);

    public Task<ApplyResult> ApplyAsync(IReadOnlyList<Operation> operations, CancellationToken cancellationToken = default) =>
        ApplyAsync(operations, OnFailure.Rollback, cancellationToken);

    /// <summary>
    /// Not serialised with the other requests: a run waiting here must not stop this agent from
    /// answering anything else, and the lock belongs to its file descriptor, not to the agent.
    /// </summary>
    public Task<IAsyncDisposable> AcquireLockAsync(string topology, LockHolder holder, TimeSpan timeout,
        Action<LockHolder?>? onWaiting = null, CancellationToken cancellationToken = default) =>
        new TopologyLocks(_options.LockDirectory).AcquireAsync(topology, holder, timeout, onWaiting, cancellationToken);

    private const string ResolvConfPath = "/etc/resolv.conf";

    /// <summary>Version, kernel, supported kinds (probed once per agent) and the host's interfaces.</summary>
    private HostFacts Facts(NamespaceSnapshot host)
    {
        _kinds ??= LinkKindProbe.Run();
        var addresses = host.Addresses().Where(a => a.Scope == 0).ToLookup(a => a.Index, a => a.Cidr);
        var interfaces = host.Links.Select(l => new HostInterface(l.Name, l.Mtu, l.Up, addresses[l.Index].ToList())).ToList();
        return new HostFacts(Version, File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), _kinds.Supported, interfaces)
        {
            Nameservers = HostResolvers.Read(ResolvConfPath),
        };
    }

    private async Task<T> Serialised<T>(Func<T> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return work();
        }
        finally
        {
            _gate.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        _connections.Dispose();
        _kinds?.Dispose();
        _gate.Dispose();
        return ValueTask.CompletedTask;
    }
}
