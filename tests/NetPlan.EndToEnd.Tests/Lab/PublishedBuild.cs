using NetPlan.Transport.Agents;

namespace NetPlan.EndToEnd.Tests.Lab;

/// <summary>
/// The binaries a user runs: <c>netplan</c> and the <c>netplan-agent</c> beside it, exactly as
/// <c>dotnet publish src/NetPlan.Cli</c> leaves them (ahead-of-time compiled). From
/// <c>$NETPLAN_PUBLISH_DIR</c> when set (run-all.sh publishes once before the tests), otherwise
/// published once per test run into the test's output directory (a minute or two).
/// </summary>
public static class PublishedBuild
{
    public const string DirectoryVariable = "NETPLAN_PUBLISH_DIR";

    private static readonly Lazy<Task<string>> Published = new(PublishAsync);

    /// <summary>The published <c>netplan</c> executable.</summary>
    public static async Task<string> NetplanAsync() => Path.Combine(await Published.Value, "netplan");

    /// <summary>The published agent that ships to SSH nodes.</summary>
    public static async Task<AgentBinary> AgentAsync() => AgentBinary.FromFile(Path.Combine(await Published.Value, "netplan-agent"));

    /// <summary>Runs the published <c>netplan</c> here, as the test's own process sees the machine.</summary>
    public static async Task<Cmd.Result> RunAsync(params string[] arguments) => await Cmd.RunAsync(await NetplanAsync(), arguments);

    private static async Task<string> PublishAsync()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(DirectoryVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            if (!File.Exists(Path.Combine(fromEnvironment, "netplan")) || !File.Exists(Path.Combine(fromEnvironment, "netplan-agent")))
                throw new InvalidOperationException($"{DirectoryVariable}={fromEnvironment} holds no published netplan and netplan-agent");
            return fromEnvironment;
        }

        var output = Path.Combine(AppContext.BaseDirectory, "netplan-publish");
        var publish = Cmd.StartInfo("dotnet", ["publish", Path.Combine(FindRepository(), "src", "NetPlan.Cli"), "-c", "Release", "-o", output, "-nologo", "-v", "quiet"]);
        (await Cmd.RunAsync(publish, timeout: TimeSpan.FromMinutes(10))).Check("dotnet publish src/NetPlan.Cli");
        return output;
    }

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NetPlan.sln"))) return dir.FullName;
        throw new InvalidOperationException($"cannot find the repository (NetPlan.sln) above {AppContext.BaseDirectory}; set {DirectoryVariable}");
    }
}
