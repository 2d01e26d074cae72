using NetPlan.Tests;

namespace NetPlan.EndToEnd.Tests.Lab;

/// <summary>
/// Shares one lab among the tests of a collection. The lab is built on first use, after the test's
/// <see cref="Privileged.Require"/>, so a non-root run skips instead of failing in the fixture.
/// </summary>
public sealed class SshLabFixture : IAsyncLifetime
{
    public const int HostCount = 3;
    private readonly object _gate = new();
    private Task<SshLab>? _lab;

    public Task<SshLab> LabAsync()
    {
        Privileged.Require();
        lock (_gate) return _lab ??= SshLab.StartAsync(HostCount);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_lab is { IsCompletedSuccessfully: true } lab) await lab.Result.DisposeAsync();
    }
}

/// <summary>Tests that share the three-host lab run one after another (they share its hosts and sshd logs).</summary>
[CollectionDefinition(Name)]
public sealed class SshLabCollection : ICollectionFixture<SshLabFixture>
{
    public const string Name = "ssh lab";
}
