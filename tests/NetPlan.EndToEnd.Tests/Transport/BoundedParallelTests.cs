using NetPlan.Transport.Nodes;

namespace NetPlan.EndToEnd.Tests.Transport;

public sealed class BoundedParallelTests
{
    [Fact]
    public async Task Never_runs_more_than_the_limit_at_once_and_uses_the_whole_limit()
    {
        var running = 0;
        var peak = 0;
        var items = Enumerable.Range(0, 12).Select(i => $"node-{i}").ToList();

        await BoundedParallel.RunAsync(items, n => n, parallelism: 3, async (_, ct) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await Task.Delay(30, ct);
            Interlocked.Decrement(ref running);
            return 0;
        });

        Assert.Equal(3, peak);
    }

    [Fact]
    public async Task A_failing_node_is_its_own_outcome_and_the_others_complete_in_input_order()
    {
        var items = new[] { "a", "broken", "c", "d" };
        var completed = new List<string>();

        var outcomes = await BoundedParallel.RunAsync(items, n => n, parallelism: 2, async (name, ct) =>
        {
            await Task.Yield();
            if (name == "broken") throw new InvalidOperationException("broken: cannot connect");
            return name.ToUpperInvariant();
        }, onCompleted: o => { lock (completed) completed.Add(o.Name); });

        Assert.Equal(items, outcomes.Select(o => o.Name));
        Assert.Equal(["A", null, "C", "D"], outcomes.Select(o => o.Value));
        var failed = Assert.Single(outcomes, o => !o.Succeeded);
        Assert.Equal(("broken", "broken: cannot connect"), (failed.Name, failed.Error!.Message));
        Assert.Equal(items.Order(), completed.Order());
    }

    [Fact]
    public async Task A_synchronous_slow_start_on_one_node_does_not_hold_up_the_others()
    {
        using var release = new ManualResetEventSlim();
        var items = new[] { "blocking", "quick" };

        var run = BoundedParallel.RunAsync(items, n => n, parallelism: 2, (name, ct) =>
        {
            if (name == "blocking") release.Wait(ct); // blocks its thread before returning a task
            return Task.FromResult(name);
        }, onCompleted: o => { if (o.Name == "quick") release.Set(); });

        var outcomes = await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(outcomes, o => Assert.True(o.Succeeded));
    }

    [Fact]
    public async Task A_parallelism_below_one_is_refused() =>
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            BoundedParallel.RunAsync(new[] { "a" }, n => n, 0, (_, _) => Task.FromResult(1)));

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }
}
