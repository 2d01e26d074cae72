using System.Text.RegularExpressions;
using NetPlan.Core.Diagnostics;
using NetPlan.Core.Language;

namespace NetPlan.Core.Tests.Language;

/// <summary>
/// Every file in tests/NetPlan.Core.Tests/Invalid declares on its first line the error it must
/// produce and where: <c># expect: NP0203 at 12:14</c> (line and column of the offending value).
/// Invalid/Schema holds what the JSON Schema can also express (checked in SchemaTests);
/// Invalid/LoaderOnly holds syntax and cross-reference rules only the loader knows.
/// </summary>
public partial class InvalidCorpusTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(RepoPaths.Invalid, "*.yml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(RepoPaths.Invalid, file));
        return data;
    }

    public sealed record Expectation(string Code, int Line, int Column);

    public static Expectation ExpectationOf(string path)
    {
        var first = File.ReadLines(path).First();
        var match = ExpectRegex().Match(first);
        Assert.True(match.Success, $"{path}: first line must be '# expect: NP0000 at LINE:COL', was '{first}'");
        return new(match.Groups[1].Value, int.Parse(match.Groups[2].Value), int.Parse(match.Groups[3].Value));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Each_invalid_file_is_rejected_with_the_expected_code_at_the_expected_place(string relative)
    {
        var path = Path.Combine(RepoPaths.Invalid, relative);
        var expected = ExpectationOf(path);

        var result = TopologyLoader.Load(path);

        Assert.Null(result.Topology);
        var report = string.Join("\n", result.Diagnostics);
        Assert.True(
            result.Errors.Any(d => d.Code == expected.Code && d.At.Line == expected.Line && d.At.Column == expected.Column),
            $"expected error {expected.Code} at {expected.Line}:{expected.Column}, got:\n{report}");
        Assert.All(result.Diagnostics, d => Assert.True(d.At.Line >= 1 && d.At.Column >= 1, d.ToString()));
    }

    [Fact]
    public void The_corpus_has_at_least_40_files_and_covers_most_error_codes()
    {
        var files = Directory.EnumerateFiles(RepoPaths.Invalid, "*.yml", SearchOption.AllDirectories).ToList();
        Assert.True(files.Count >= 40, $"only {files.Count} invalid topologies");
        var covered = files.Select(f => ExpectationOf(f).Code).ToHashSet();
        var errorCodes = Codes.All.Select(c => c.Code)
            .Except([Codes.FileUnreadable, Codes.SandboxWithoutNetworks, Codes.UnusedNetwork, Codes.SshOnLocalNode]);
        var missing = errorCodes.Where(c => !covered.Contains(c)).ToList();
        Assert.True(missing.Count == 0, "no corpus file for: " + string.Join(", ", missing));
    }

    [GeneratedRegex(@"^# expect: (NP\d{4}) at (\d+):(\d+)\s*$")]
    private static partial Regex ExpectRegex();
}
