using System.Diagnostics;

namespace NetPlan.Transport.Nodes;

/// <summary>The outcome of one node's work: a value, or the error that stopped it. Never both.</summary>
public sealed record NodeOutcome<T>(string Name, T? Value, Exception? Error, TimeSpan Elapsed)
{
    public bool Succeeded => Error is null;
}

/// <summary>
/// Runs per-node work concurrently, at most <c>parallelism</c> at a time. A node's failure is that
/// node's outcome; it never stops the others (an unreachable host must not hold up the rest).
/// </summary>
public static class BoundedParallel
{
    public const int DefaultParallelism = 8;

    /// <param name="onCompleted">Called as each node finishes (from worker threads), e.g. for live progress.</param>
    /// <returns>One outcome per item, in the order of <paramref name="items"/>.</returns>
    public static async Task<IReadOnlyList<NodeOutcome<TResult>>> RunAsync<TItem, TResult>(
        IReadOnlyList<TItem> items,
        Func<TItem, string> nameOf,
        int parallelism,
        Func<TItem, CancellationToken, Task<TResult>> work,
        CancellationToken cancellationToken = default,
        Action<NodeOutcome<TResult>>? onCompleted = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        var outcomes = new NodeOutcome<TResult>[items.Count];
        using var slots = new SemaphoreSlim(parallelism);
        var tasks = items.Select(async (item, index) =>
        {
            var name = nameOf(item);
            NodeOutcome<TResult> outcome;
            var clock = Stopwatch.StartNew();
            try
            {
                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    clock.Restart();
                    // Off the caller's thread: one node's synchronous start-up must not delay the others.
                    var value = await Task.Run(() => work(item, cancellationToken), cancellationToken).ConfigureAwait(false);
                    outcome = new NodeOutcome<TResult>(name, value, null, clock.Elapsed);
                }
                finally
                {
                    slots.Release();
                }
            }
            catch (Exception ex)
            {
                outcome = new NodeOutcome<TResult>(name, default, ex, clock.Elapsed);
            }
            outcomes[index] = outcome;
            onCompleted?.Invoke(outcome);
        }).ToList();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return outcomes;
    }
}
