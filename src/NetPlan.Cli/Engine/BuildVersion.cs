using System.Reflection;

namespace NetPlan.Cli.Engine;

/// <summary>This build's version, as saved plans record it: the informational version (with the source revision when the build knew it).</summary>
internal static class BuildVersion
{
    public static string Current { get; } =
        typeof(BuildVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(BuildVersion).Assembly.GetName().Version?.ToString()
        ?? "unknown";
}
