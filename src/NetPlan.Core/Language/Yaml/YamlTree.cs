namespace NetPlan.Core.Language.Yaml;

// A minimal YAML tree that keeps every node's position. We build it ourselves from YamlDotNet's
// event stream (instead of YamlStream) so that duplicate keys become located diagnostics and do
// not abort the parse, and so that scalar style (plain vs quoted) survives: `port: "22"` is a
// string, `port: 22` an integer, exactly as a YAML 1.2 / JSON Schema tool would see them.

internal abstract record YNode(int Line, int Column)
{
    /// <summary>What a human calls this kind of node, for "expected X, got Y" messages.</summary>
    public abstract string KindName { get; }
}

internal sealed record YScalar(string Value, bool Plain, int Line, int Column) : YNode(Line, Column)
{
    public ScalarKind Kind => Plain ? ScalarTypes.Classify(Value) : ScalarKind.String;

    public override string KindName => Kind switch
    {
        ScalarKind.Null => "null",
        ScalarKind.Boolean => "boolean",
        ScalarKind.Integer => "integer",
        ScalarKind.Float => "number",
        _ => "string",
    };
}

internal sealed record YSequence(IReadOnlyList<YNode> Items, int Line, int Column) : YNode(Line, Column)
{
    public override string KindName => "list";
}

internal sealed record YEntry(YScalar Key, YNode Value);

internal sealed record YMapping(IReadOnlyList<YEntry> Entries, int Line, int Column) : YNode(Line, Column)
{
    public override string KindName => "mapping";

    public YEntry? Find(string key) => Entries.FirstOrDefault(e => e.Key.Value == key);
}

internal enum ScalarKind { Null, Boolean, Integer, Float, String }

/// <summary>The YAML 1.2 core schema's resolution of plain scalars (what JSON Schema tools see).</summary>
internal static class ScalarTypes
{
    public static ScalarKind Classify(string plain)
    {
        switch (plain)
        {
            case "" or "~" or "null" or "Null" or "NULL": return ScalarKind.Null;
            case "true" or "True" or "TRUE" or "false" or "False" or "FALSE": return ScalarKind.Boolean;
            case ".inf" or ".Inf" or ".INF" or "-.inf" or "+.inf" or "-.Inf" or "+.Inf" or ".nan" or ".NaN" or ".NAN":
                return ScalarKind.Float;
        }
        if (IsInteger(plain)) return ScalarKind.Integer;
        if (IsFloat(plain)) return ScalarKind.Float;
        return ScalarKind.String;
    }

    static bool IsInteger(string s)
    {
        if (s.StartsWith("0x") && s.Length > 2) return s.Skip(2).All(Uri.IsHexDigit);
        if (s.StartsWith("0o") && s.Length > 2) return s.Skip(2).All(c => c is >= '0' and <= '7');
        var digits = s[0] is '+' or '-' ? s[1..] : s;
        return digits.Length > 0 && digits.All(char.IsAsciiDigit);
    }

    static bool IsFloat(string s)
    {
        // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
        int i = 0;
        if (i < s.Length && s[i] is '+' or '-') i++;
        int intDigits = 0, fracDigits = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i])) { i++; intDigits++; }
        if (i < s.Length && s[i] == '.')
        {
            i++;
            while (i < s.Length && char.IsAsciiDigit(s[i])) { i++; fracDigits++; }
        }
        if (intDigits + fracDigits == 0) return false;
        if (i < s.Length && s[i] is 'e' or 'E')
        {
            i++;
            if (i < s.Length && s[i] is '+' or '-') i++;
            int expDigits = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i])) { i++; expDigits++; }
            if (expDigits == 0) return false;
        }
        return i == s.Length;
    }
}
