using System.Diagnostics;

namespace NetPlan.Core.Tests.Language;

/// <summary>Runs the independent validator (python3-jsonschema) once over examples and corpus.</summary>
public sealed class SchemaVerdicts
{
    public IReadOnlyDictionary<string, string> ByFile { get; }

    public SchemaVerdicts()
    {
        var files = RepoPaths.ExampleFiles()
            .Concat(Directory.EnumerateFiles(RepoPaths.Invalid, "*.yml", SearchOption.AllDirectories))
            .ToList();
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(RepoPaths.SchemaScript);
        start.ArgumentList.Add(RepoPaths.Schema);
        foreach (var f in files) start.ArgumentList.Add(f);
        using var process = Process.Start(start)!;
        var stdoutTask = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        var stdout = stdoutTask.Result;
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"schema_check.py failed ({process.ExitCode}); is python3-jsonschema installed?\n{stderr}");
        var verdicts = new Dictionary<string, string>();
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var verdict = line[..line.IndexOf(' ')];
            var rest = line[(verdict.Length + 1)..];
            var file = files.Where(f => rest.StartsWith(f, StringComparison.Ordinal)).MaxBy(f => f.Length)!;
            verdicts[Path.GetFullPath(file)] = line;
        }
        ByFile = verdicts;
    }

    public string For(string path) =>
        ByFile.TryGetValue(Path.GetFullPath(path), out var verdict) ? verdict : throw new KeyNotFoundException(path);
}

public class SchemaTests(SchemaVerdicts verdicts) : IClassFixture<SchemaVerdicts>
{
    [Theory]
    [MemberData(nameof(ExamplesTests.Examples), MemberType = typeof(ExamplesTests))]
    public void Every_example_is_valid_against_the_schema(string name)
    {
        var verdict = verdicts.For(Path.Combine(RepoPaths.Examples, name));
        Assert.StartsWith("valid ", verdict);
    }

    public static TheoryData<string> SchemaCorpus() => Corpus("Schema");
    public static TheoryData<string> LoaderOnlyCorpus() => Corpus("LoaderOnly");

    static TheoryData<string> Corpus(string folder)
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(Path.Combine(RepoPaths.Invalid, folder), "*.yml").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(SchemaCorpus))]
    public void Schema_expressible_invalid_files_are_rejected_by_the_schema_too(string name)
    {
        var verdict = verdicts.For(Path.Combine(RepoPaths.Invalid, "Schema", name));
        Assert.StartsWith("invalid ", verdict);
    }

    /// <summary>
    /// Loader-only files break rules no schema can express, so the schema must not reject them
    /// (else they belong in Invalid/Schema) — except YAML the schema tool cannot even read.
    /// This keeps the schema from being stricter than the loader.
    /// </summary>
    [Theory]
    [MemberData(nameof(LoaderOnlyCorpus))]
    public void Loader_only_invalid_files_pass_the_schema_or_are_not_yaml_at_all(string name)
    {
        var verdict = verdicts.For(Path.Combine(RepoPaths.Invalid, "LoaderOnly", name));
        Assert.True(verdict.StartsWith("valid ") || verdict.StartsWith("unreadable "), verdict);
    }

    [Fact]
    public void The_schema_declares_a_json_schema_dialect_and_the_top_level_keys_the_loader_knows()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(RepoPaths.Schema));
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", doc.RootElement.GetProperty("$schema").GetString());
        var keys = doc.RootElement.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order();
        Assert.Equal(["defaults", "name", "networks", "nodes", "sandboxes", "services", "version"], keys);
    }
}
