using System.Text.Json;
using System.Text.RegularExpressions;
using NetPlan.Core.Diagnostics;

namespace NetPlan.Core.Tests.Language;

public class DocsAndCodesTests
{
    static string Docs => File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "topology.md"));

    [Fact]
    public void Codes_are_unique_well_formed_and_in_their_category_ranges()
    {
        var codes = Codes.All.Select(c => c.Code).ToList();
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches(@"^NP0[1-7]\d\d$", c));
        Assert.StartsWith("NP01", Codes.UnknownKey);
        Assert.StartsWith("NP02", Codes.SubnetOverlap);
        Assert.StartsWith("NP03", Codes.UnknownNetwork);
        Assert.StartsWith("NP04", Codes.DuplicateVni);
        Assert.StartsWith("NP05", Codes.DuplicatePublishedPort);
        Assert.StartsWith("NP06", Codes.InvalidName);
        Assert.StartsWith("NP07", Codes.InvalidSshHost);
    }

    [Fact]
    public void Every_code_is_documented_in_the_codes_table()
    {
        var documented = Regex.Matches(Docs, @"^\| (NP\d{4}) \|", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Equal(Codes.All.Select(c => c.Code).Order(), documented.Order());
    }

    [Fact]
    public void Every_key_in_the_schema_is_documented()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(RepoPaths.Schema));
        var keys = new HashSet<string>();
        void Walk(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Object)
                foreach (var p in e.EnumerateObject())
                {
                    if (p.Name == "properties" && p.Value.ValueKind == JsonValueKind.Object)
                        foreach (var k in p.Value.EnumerateObject()) keys.Add(k.Name);
                    Walk(p.Value);
                }
            else if (e.ValueKind == JsonValueKind.Array)
                foreach (var item in e.EnumerateArray()) Walk(item);
        }
        Walk(schema.RootElement);
        var docs = Docs;
        var missing = keys.Where(k => !docs.Contains($"`{k}`")).ToList();
        Assert.True(missing.Count == 0, "undocumented keys: " + string.Join(", ", missing));
    }
}

public class DiagnosticReportTests
{
    static readonly Diagnostic Error = new(Severity.Error, Codes.OutsideSubnet, "gateway 10.2.0.1 is outside subnet 10.1.0.0/24 of network 'front'", new("topology.yml", 12, 14));
    static readonly Diagnostic Warning = new(Severity.Warning, Codes.UnusedNetwork, "network 'x' is present on no node", new("topology.yml", 30, 3));

    [Fact]
    public void Lines_are_compiler_style_and_unlocated_ones_show_only_the_file()
    {
        Assert.Equal("topology.yml:12:14: error NP0203: gateway 10.2.0.1 is outside subnet 10.1.0.0/24 of network 'front'", DiagnosticReport.FormatLine(Error));
        var unreadable = new Diagnostic(Severity.Error, Codes.FileUnreadable, "cannot read topology file: no such file", new("missing.yml", 0, 0));
        Assert.Equal("missing.yml: error NP0100: cannot read topology file: no such file", DiagnosticReport.FormatLine(unreadable));
    }

    [Theory]
    [InlineData(0, 0, "topology.yml: valid")]
    [InlineData(0, 1, "topology.yml: valid, 1 warning")]
    [InlineData(1, 0, "topology.yml: 1 error")]
    [InlineData(3, 2, "topology.yml: 3 errors, 2 warnings")]
    public void The_summary_counts_errors_and_warnings(int errors, int warnings, string expected)
    {
        var diagnostics = Enumerable.Repeat(Error, errors).Concat(Enumerable.Repeat(Warning, warnings)).ToList();
        Assert.Equal(expected, DiagnosticReport.For("topology.yml", diagnostics).Summary());
    }

    [Fact]
    public void Json_has_the_documented_shape()
    {
        var json = DiagnosticReport.For("topology.yml", [Error, Warning]).ToJson();
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal("topology.yml", root.GetProperty("file").GetString());
        Assert.False(root.GetProperty("valid").GetBoolean());
        Assert.Equal(1, root.GetProperty("error_count").GetInt32());
        Assert.Equal(1, root.GetProperty("warning_count").GetInt32());
        var first = root.GetProperty("diagnostics")[0];
        Assert.Equal(["file", "line", "column", "severity", "code", "message"], first.EnumerateObject().Select(p => p.Name));
        Assert.Equal(12, first.GetProperty("line").GetInt32());
        Assert.Equal(14, first.GetProperty("column").GetInt32());
        Assert.Equal("error", first.GetProperty("severity").GetString());
        Assert.Equal("NP0203", first.GetProperty("code").GetString());
        Assert.Equal("warning", root.GetProperty("diagnostics")[1].GetProperty("severity").GetString());
        Assert.Contains("network 'front'", json); // readable quotes, not \u0027
    }
}
