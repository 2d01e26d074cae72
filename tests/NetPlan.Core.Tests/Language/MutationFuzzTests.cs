using NetPlan.Core.Diagnostics;
using NetPlan.Core.Language;
using Xunit.Abstractions;

namespace NetPlan.Core.Tests.Language;

/// <summary>
/// Random edits of the examples (delete, duplicate, swap, renumber, junk, re-indent) must always give
/// either a topology or located diagnostics — never an exception. A fixed seed keeps CI reproducible;
/// a fresh seed each run widens coverage and is printed so a failure can be replayed.
/// </summary>
public class MutationFuzzTests(ITestOutputHelper output)
{
    const int Iterations = 3000;
    static readonly string[] Junk =
        ["{", "}", "[", "]", ":", ": :", "- ", "&a", "*a", "!!str", "!!int", "'", "\"", "#", "|", ">", "---", "...", "\t", "%YAML 1.2",
         "? ", ",", "@", "`", "0x", "-1", "99999999999999999999", "1e9", "~", "null", "true", "<<: *a", "\\u0000", "é", "\u00a0", "\r"];

    [Theory]
    [InlineData(20261122)]
    [InlineData(-1)]
    public void Random_edits_of_the_examples_never_throw_and_always_locate_their_errors(int seed)
    {
        if (seed == -1) seed = Random.Shared.Next();
        output.WriteLine($"seed {seed} (replay with [InlineData({seed})])");
        var random = new Random(seed);
        // Seeds: the examples, and the invalid corpus (already broken files, broken further).
        var examples = RepoPaths.ExampleFiles().Select(File.ReadAllText).ToArray();
        var corpus = Directory.EnumerateFiles(RepoPaths.Invalid, "*.yml", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllText)
            .ToArray();
        int valid = 0, invalid = 0;
        for (int i = 0; i < Iterations; i++)
        {
            // Mostly examples, so mutations reach deep into valid files; sometimes a corpus file.
            var text = random.Next(4) > 0 ? examples[random.Next(examples.Length)] : corpus[random.Next(corpus.Length)];
            int edits = 1 + random.Next(3);
            for (int e = 0; e < edits; e++) text = Mutate(text, random);
            LoadResult result;
            try
            {
                result = TopologyLoader.Parse(text, "fuzz.yml", "/home/fuzz");
            }
            catch (Exception ex)
            {
                Assert.Fail($"seed {seed}, iteration {i}: {ex}\n--- input ---\n{text}");
                return;
            }
            if (result.Topology is null)
            {
                invalid++;
                Assert.True(result.Errors.Any(), $"seed {seed}, iteration {i}: no topology but no error\n{text}");
            }
            else
            {
                valid++;
                Assert.DoesNotContain(result.Diagnostics, d => d.Severity == Severity.Error);
            }
            foreach (var d in result.Diagnostics)
                Assert.True(d.At.Line >= 1 && d.At.Column >= 1 && d.At.File == "fuzz.yml" && d.Code.StartsWith("NP"),
                    $"seed {seed}, iteration {i}: unlocated {d}\n{text}");
        }
        output.WriteLine($"{valid} still valid, {invalid} rejected");
        Assert.True(invalid > Iterations / 4 && valid > 0, "the mutations should break most inputs, but not all");
    }

    static string Mutate(string text, Random random)
    {
        var lines = text.Split('\n').ToList();
        int l = random.Next(lines.Count);
        switch (random.Next(8))
        {
            case 0: // delete a line
                lines.RemoveAt(l);
                break;
            case 1: // duplicate a line
                lines.Insert(l, lines[l]);
                break;
            case 2: // swap two characters
                if (text.Length > 2)
                {
                    var chars = text.ToCharArray();
                    int a = random.Next(chars.Length), b = random.Next(chars.Length);
                    (chars[a], chars[b]) = (chars[b], chars[a]);
                    return new string(chars);
                }
                break;
            case 3: // change a number
            {
                var digits = Enumerable.Range(0, text.Length).Where(i => char.IsAsciiDigit(text[i])).ToList();
                if (digits.Count == 0) break;
                int at = digits[random.Next(digits.Count)];
                var replacement = random.Next(4) switch
                {
                    0 => random.Next(10).ToString(),
                    1 => "0",
                    2 => random.Next(70000).ToString(),
                    _ => "4294967296",
                };
                return text[..at] + replacement + text[(at + 1)..];
            }
            case 4: // insert junk
            {
                int at = random.Next(text.Length + 1);
                return text[..at] + Junk[random.Next(Junk.Length)] + text[at..];
            }
            case 5: // change indentation
                lines[l] = random.Next(2) == 0 ? " " + lines[l] : lines[l].TrimStart();
                break;
            case 6: // swap two lines
            {
                int m = random.Next(lines.Count);
                (lines[l], lines[m]) = (lines[m], lines[l]);
                break;
            }
            case 7: // delete a character
                if (text.Length > 0)
                {
                    int at = random.Next(text.Length);
                    return text.Remove(at, 1);
                }
                break;
        }
        return string.Join('\n', lines);
    }
}
