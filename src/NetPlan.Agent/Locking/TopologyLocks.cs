using System.Text.Json;
using NetPlan.Core.State;
using NetPlan.Kernel.Locks;

namespace NetPlan.Agent.Locking;

/// <summary>
/// The per-host, per-topology locks: <c>DIRECTORY/&lt;topology&gt;.lock</c>, each an exclusive flock
/// whose file holds the holder's <see cref="LockHolder"/> as JSON. The directory lives on /run
/// (tmpfs), so nothing about a lock survives a reboot either.
/// </summary>
public sealed class TopologyLocks(string directory)
{
    public const string DefaultDirectory = "/run/netplan/locks";

    /// <summary>
    /// How often a waiting run tries again. Polling with LOCK_NB rather than a blocking flock keeps
    /// the wait cancellable and bounded by the timeout without a thread parked in the kernel; a
    /// tenth of a second is nothing next to an apply.
    /// </summary>
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(100);

    public string PathOf(string topology)
    {
        if (topology.Length == 0 || topology.Length > 200 || topology is "." or ".." || topology.Contains('/') || topology.Contains('\0'))
            throw new ArgumentException($"'{topology}' cannot name a lock file");
        return Path.Combine(directory, topology + ".lock");
    }

    public async Task<IAsyncDisposable> AcquireAsync(string topology, LockHolder holder, TimeSpan timeout,
        Action<LockHolder?>? onWaiting, CancellationToken cancellationToken)
    {
        var path = PathOf(topology);
        Directory.CreateDirectory(directory);
        var description = JsonSerializer.Serialize(holder, StateJson.Default.LockHolder);
        if (FileLock.TryAcquire(path, description) is { } free) return new Held(free);

        onWaiting?.Invoke(Holder(path));
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var left = deadline - DateTime.UtcNow;
            await Task.Delay(left < RetryInterval ? left : RetryInterval, cancellationToken).ConfigureAwait(false);
            if (FileLock.TryAcquire(path, description) is { } acquired) return new Held(acquired);
        }
        throw new LockTimeoutException(topology, Holder(path), timeout);
    }

    /// <summary>The current holder as it described itself; null when the file says nothing readable.</summary>
    private static LockHolder? Holder(string path)
    {
        try
        {
            var text = FileLock.ReadDescription(path);
            return text.Length == 0 ? null : JsonSerializer.Deserialize(text, StateJson.Default.LockHolder);
        }
        catch (JsonException)
        {
            // Read half-written, or written by something else: the holder is still the holder.
            return null;
        }
    }

    private sealed class Held(FileLock held) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            held.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
