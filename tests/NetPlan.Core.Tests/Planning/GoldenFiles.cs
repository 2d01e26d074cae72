using System.Runtime.CompilerServices;

namespace NetPlan.Core.Tests.Planning;

/// <summary>
/// Compares output with a file under tests/NetPlan.Core.Tests/Golden/. Set NETPLAN_UPDATE_GOLDEN=1 to
/// rewrite the files from the current output (then review the diff); otherwise a mismatch fails.
/// </summary>
internal static class GoldenFiles
{
    public static void Verify(string name, string actual, [CallerFilePath] string caller = "")
    {
        var directory = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(caller)!, "..", "Golden"));
        var path = Path.Combine(directory, name);
        if (Environment.GetEnvironmentVariable("NETPLAN_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"golden file {path} is missing; run with NETPLAN_UPDATE_GOLDEN=1 to create it");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
