using System.Net;
using NetPlan.Core.Diagnostics;
using NetPlan.Core.Language.Yaml;

namespace NetPlan.Core.Language.Loading;

/// <summary>A value as written, with where it was written.</summary>
internal readonly record struct Located<T>(T Value, SourceSpan At);

/// <summary>
/// Typed, located access to the YAML tree. Every accessor reports its own type error and returns
/// null, so binding continues and the user sees every problem in one run.
/// </summary>
internal sealed class YamlAccess(string file, DiagnosticBag diagnostics)
{
    public DiagnosticBag Diagnostics { get; } = diagnostics;

    public SourceSpan At(YNode node) => new(file, Math.Max(1, node.Line), Math.Max(1, node.Column));

    public void Error(string code, string message, YNode at) => Diagnostics.Error(code, message, At(at));

    void TypeError(YNode node, string expected, string what) =>
        Error(Codes.WrongType, $"{what} must be {expected}, not {Describe(node)}", node);

    static string Describe(YNode node) => node switch
    {
        YScalar { Kind: ScalarKind.Null } => "empty",
        YScalar s when s.Kind == ScalarKind.String => $"the string '{Shorten(s.Value)}'",
        YScalar s => $"the {s.KindName} {Shorten(s.Value)}",
        _ => "a " + node.KindName,
    };

    static string Shorten(string s) => s.Length <= 40 ? s : s[..37] + "...";

    public YMapping? Mapping(YNode node, string what)
    {
        if (node is YMapping map) return map;
        TypeError(node, "a mapping", what);
        return null;
    }

    /// <summary>A mapping, or an empty one when the value is empty (<c>back:</c> or <c>back: {}</c>).</summary>
    public YMapping? OptionalMapping(YNode node, string what) =>
        node is YScalar { Kind: ScalarKind.Null } ? new YMapping([], node.Line, node.Column) : Mapping(node, what);

    public YSequence? Sequence(YNode node, string what)
    {
        if (node is YSequence seq) return seq;
        TypeError(node, "a list", what);
        return null;
    }

    public Located<string>? String(YNode node, string what)
    {
        if (node is YScalar { Kind: ScalarKind.String } s) return new(s.Value, At(s));
        var hint = node is YScalar { Kind: not ScalarKind.Null } ? " (quote it to make it a string)" : "";
        Error(Codes.WrongType, $"{what} must be a string, not {Describe(node)}{hint}", node);
        return null;
    }

    public Located<long>? Integer(YNode node, string what)
    {
        if (node is YScalar { Kind: ScalarKind.Integer } s && TryParseInteger(s.Value, out var value))
            return new(value, At(s));
        if (node is YScalar { Kind: ScalarKind.Integer } big)
        {
            Error(Codes.WrongType, $"{what} {Shorten(big.Value)} is too large", big);
            return null;
        }
        TypeError(node, "an integer", what);
        return null;
    }

    public Located<bool>? Boolean(YNode node, string what)
    {
        if (node is YScalar { Kind: ScalarKind.Boolean } s) return new(s.Value is "true" or "True" or "TRUE", At(s));
        TypeError(node, "true or false", what);
        return null;
    }

    /// <summary>One of a fixed set of lowercase words.</summary>
    public Located<string>? Word(YNode node, string what, IReadOnlyList<string> allowed, string code = Codes.InvalidEnum)
    {
        var text = String(node, what);
        if (text is null) return null;
        if (allowed.Contains(text.Value.Value)) return text;
        var suggestion = Suggest(text.Value.Value, allowed);
        Error(code, $"{what} '{Shorten(text.Value.Value)}' is not one of {string.Join(", ", allowed)}{suggestion}", node);
        return null;
    }

    /// <summary>Reports keys outside <paramref name="allowed"/>, suggesting the nearest known key.</summary>
    public void CheckKeys(YMapping map, IReadOnlyList<string> allowed, string where, bool allowExtensions = false)
    {
        foreach (var entry in map.Entries)
        {
            var key = entry.Key.Value;
            if (allowed.Contains(key) || (allowExtensions && key.StartsWith("x-", StringComparison.Ordinal))) continue;
            var suggestion = Suggest(key, allowed);
            var message = suggestion.Length > 0
                ? $"unknown key '{Shorten(key)}' in {where}{suggestion}"
                : $"unknown key '{Shorten(key)}' in {where}; expected one of: {string.Join(", ", allowed)}";
            Error(Codes.UnknownKey, message, entry.Key);
        }
    }

    public bool Require(YMapping map, string key, string where, YNode reportAt)
    {
        if (map.Find(key) is not null) return true;
        Error(Codes.MissingKey, $"{where} needs '{key}'", reportAt);
        return false;
    }

    static bool TryParseInteger(string text, out long value)
    {
        if (text.StartsWith("0x", StringComparison.Ordinal))
            return long.TryParse(text[2..], System.Globalization.NumberStyles.AllowHexSpecifier, null, out value);
        if (text.StartsWith("0o", StringComparison.Ordinal))
        {
            value = 0;
            foreach (var c in text[2..])
            {
                if (value > long.MaxValue / 8) return false;
                value = value * 8 + (c - '0');
            }
            return true;
        }
        return long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, null, out value);
    }

    /// <summary>"; did you mean 'x'?" when a known word is close enough to be a typo, else "".</summary>
    public static string Suggest(string word, IEnumerable<string> candidates)
    {
        var best = candidates
            .Select(c => (Candidate: c, Distance: EditDistance(word.ToLowerInvariant(), c)))
            .OrderBy(p => p.Distance)
            .FirstOrDefault();
        if (best.Candidate is null) return "";
        var limit = Math.Max(1, Math.Min(3, best.Candidate.Length / 3));
        return best.Distance <= limit ? $"; did you mean '{best.Candidate}'?" : "";
    }

    /// <summary>Optimal string alignment distance: Levenshtein plus adjacent transpositions (typical typos).</summary>
    public static int EditDistance(string a, string b)
    {
        if (a.Length > 64 || b.Length > 64) return Math.Max(a.Length, b.Length);
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        for (int j = 1; j <= b.Length; j++)
        {
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
        }
        return d[a.Length, b.Length];
    }
}
