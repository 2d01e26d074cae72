using NetPlan.Transport.Agents;

namespace NetPlan.EndToEnd.Tests.Lab;

/// <summary>
/// The real, published <c>netplan-agent</c> for tests that ship it over SSH: <c>$NETPLAN_AGENT_BINARY</c>
/// when set (run-all.sh may publish it first), otherwise published once per test run from the
/// repository (~15 s) into the test's output directory.
/// </summary>
public static class AgentBuild
{
    private static readonly Lazy<Task<AgentBinary>> Published = new(PublishAsync);

    public static Task<AgentBinary> GetAsync() => Published.Value;

    private static async Task<AgentBinary> PublishAsync()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(AgentBinary.PathVariable);
        if (!string.IsNullOrEmpty(fromEnvironment)) return AgentBinary.FromFile(fromEnvironment);

        var repository = FindRepository();
        var output = Path.Combine(AppContext.BaseDirectory, "agent-publish");
        var publish = Cmd.StartInfo("dotnet", ["publish", Path.Combine(repository, "src", "NetPlan.Agent.Host"), "-c", "Release", "-o", output, "-nologo", "-v", "quiet"]);
        (await Cmd.RunAsync(publish, timeout: TimeSpan.FromMinutes(5))).Check("dotnet publish netplan-agent");
        return AgentBinary.FromFile(Path.Combine(output, "netplan-agent"));
    }

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NetPlan.sln"))) return dir.FullName;
        throw new InvalidOperationException($"cannot find the repository (NetPlan.sln) above {AppContext.BaseDirectory}; set {AgentBinary.PathVariable}");
    }
}
