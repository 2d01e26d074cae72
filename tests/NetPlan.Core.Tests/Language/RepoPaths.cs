namespace NetPlan.Core.Tests.Language;

/// <summary>Finds repository files (examples, schema, corpus) from the test binary's folder.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NetPlan.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no NetPlan.sln above {AppContext.BaseDirectory}");
    }

    public static string Examples => Path.Combine(Root, "examples");
    public static string Schema => Path.Combine(Root, "netplan.schema.json");
    public static string Invalid => Path.Combine(Root, "tests", "NetPlan.Core.Tests", "Invalid");
    public static string SchemaScript => Path.Combine(Root, "tests", "NetPlan.Core.Tests", "Language", "schema_check.py");

    public static IEnumerable<string> ExampleFiles() =>
        Directory.EnumerateFiles(Examples, "*.yml").Order(StringComparer.Ordinal);
}
