using NetPlan.Core.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace NetPlan.Core.Language.Yaml;

/// <summary>
/// Turns YAML text into a <see cref="YNode"/> tree using YamlDotNet's event parser. Never throws:
/// syntax errors, duplicate keys and unsupported constructs become located diagnostics.
/// </summary>
internal static class YamlTreeReader
{
    // Deeper than any topology can legitimately be; guards the recursive builder against hostile input.
    const int MaxDepth = 64;
    const string StrTag = "tag:yaml.org,2002:str";

    /// <summary>The single document's root, or null when there is none or the text is not valid YAML.</summary>
    public static YNode? Read(string text, string file, DiagnosticBag diagnostics)
    {
        var parser = new Parser(new StringReader(text));
        var builder = new Builder(parser, file, diagnostics);
        try
        {
            return builder.ReadStream();
        }
        catch (YamlException ex)
        {
            var (line, column) = (ex.Start.Line, ex.Start.Column);
            // YamlDotNet places "tab as indentation" at the start of the enclosing mapping (often 1:1);
            // point at the tab itself, which is what the user has to change.
            if (ex.Message.Contains("tab", StringComparison.OrdinalIgnoreCase) && FirstIndentingTab(text) is { } tab)
                (line, column) = tab;
            diagnostics.Error(Codes.YamlSyntax, Clean(ex.Message), At(file, line, column));
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // YamlDotNet fails with a non-YAML exception when input ends inside a flow collection
            // ("{ a: 1" with no "}"). It is still a syntax error in the user's file: name the opener.
            if (builder.OpenFlow is { } open)
            {
                diagnostics.Error(Codes.YamlSyntax, $"invalid YAML: this '{open.Opener}' is never closed", At(file, open.Line, open.Column));
                return null;
            }
            var mark = parser.Current?.Start ?? Mark.Empty;
            diagnostics.Error(Codes.YamlSyntax, Clean(ex.Message), At(file, mark.Line, mark.Column));
            return null;
        }
    }

    static (long Line, long Column)? FirstIndentingTab(string text)
    {
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t', 0, indent);
            if (tab >= 0 && lines[i].Trim().Length > 0) return (i + 1, tab + 1);
        }
        return null;
    }

    static SourceSpan At(string file, long line, long column) =>
        new(file, (int)Math.Max(1, line), (int)Math.Max(1, column));

    // YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; we print our own position.
    static string Clean(string message)
    {
        var text = message;
        var cut = text.LastIndexOf("): ", StringComparison.Ordinal);
        if (text.StartsWith("(Line:", StringComparison.Ordinal) && cut >= 0) text = text[(cut + 3)..];
        text = text.Trim().TrimEnd('.');
        return text.Length == 0 ? "invalid YAML" : "invalid YAML: " + char.ToLowerInvariant(text[0]) + text[1..];
    }

    sealed class Builder(IParser parser, string file, DiagnosticBag diagnostics)
    {
        readonly Dictionary<string, YNode> anchors = new(StringComparer.Ordinal);
        readonly Stack<(char Opener, long Line, long Column)> openFlow = new();

        /// <summary>The innermost flow collection ('{' or '[') still open, if any.</summary>
        public (char Opener, long Line, long Column)? OpenFlow => openFlow.Count > 0 ? openFlow.Peek() : null;

        public YNode? ReadStream()
        {
            Expect<StreamStart>();
            YNode? root = null;
            int documents = 0;
            while (parser.TryConsume<DocumentStart>(out var start))
            {
                documents++;
                YNode? node = parser.Accept<DocumentEnd>(out _) ? null : ReadNode(0);
                Expect<DocumentEnd>();
                if (documents == 1) root = node;
                else if (documents == 2)
                    diagnostics.Error(Codes.DocumentStructure, "a topology file holds exactly one YAML document; remove this second one",
                        At(file, start.Start.Line, start.Start.Column));
            }
            Expect<StreamEnd>();
            return root;
        }

        T Expect<T>() where T : ParsingEvent
        {
            if (parser.TryConsume<T>(out var ev)) return ev;
            var mark = parser.Current?.Start ?? Mark.Empty;
            throw new YamlException(mark, mark, $"unexpected {parser.Current?.GetType().Name ?? "end of input"}");
        }

        YNode ReadNode(int depth)
        {
            if (depth > MaxDepth)
            {
                var mark = parser.Current?.Start ?? Mark.Empty;
                throw new YamlException(mark, mark, $"nesting deeper than {MaxDepth} levels");
            }
            switch (parser.Current)
            {
                case AnchorAlias alias:
                    parser.MoveNext();
                    if (anchors.TryGetValue(alias.Value.Value, out var target)) return target;
                    throw new YamlException(alias.Start, alias.End, $"alias *{alias.Value.Value} refers to no anchor defined before it");
                case Scalar scalar:
                {
                    parser.MoveNext();
                    bool plain = scalar.Style == ScalarStyle.Plain && !(scalar.Tag.IsGlobal && scalar.Tag.Value == StrTag);
                    var node = new YScalar(scalar.Value, plain, (int)scalar.Start.Line, (int)scalar.Start.Column);
                    Remember(scalar.Anchor, node);
                    return node;
                }
                case SequenceStart seq:
                {
                    if (seq.Style == SequenceStyle.Flow) openFlow.Push(('[', seq.Start.Line, seq.Start.Column));
                    parser.MoveNext();
                    var items = new List<YNode>();
                    while (!parser.TryConsume<SequenceEnd>(out _)) items.Add(ReadNode(depth + 1));
                    if (seq.Style == SequenceStyle.Flow) openFlow.Pop();
                    var node = new YSequence(items, (int)seq.Start.Line, (int)seq.Start.Column);
                    Remember(seq.Anchor, node);
                    return node;
                }
                case MappingStart map:
                {
                    if (map.Style == MappingStyle.Flow) openFlow.Push(('{', map.Start.Line, map.Start.Column));
                    parser.MoveNext();
                    var entries = new List<YEntry>();
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    while (!parser.TryConsume<MappingEnd>(out _))
                    {
                        var keyNode = ReadNode(depth + 1);
                        var value = ReadNode(depth + 1);
                        if (keyNode is not YScalar key)
                        {
                            diagnostics.Error(Codes.WrongType, $"a key must be a plain name, not a {keyNode.KindName}",
                                At(file, keyNode.Line, keyNode.Column));
                            continue;
                        }
                        if (!seen.Add(key.Value))
                        {
                            var first = entries.First(e => e.Key.Value == key.Value).Key;
                            diagnostics.Error(Codes.DuplicateKey,
                                $"duplicate key '{key.Value}' (first defined at line {first.Line})", At(file, key.Line, key.Column));
                            continue;
                        }
                        entries.Add(new YEntry(key, value));
                    }
                    if (map.Style == MappingStyle.Flow) openFlow.Pop();
                    var node = new YMapping(entries, (int)map.Start.Line, (int)map.Start.Column);
                    Remember(map.Anchor, node);
                    return node;
                }
                default:
                {
                    var mark = parser.Current?.Start ?? Mark.Empty;
                    throw new YamlException(mark, mark, $"unexpected {parser.Current?.GetType().Name ?? "end of input"}");
                }
            }
        }

        void Remember(AnchorName anchor, YNode node)
        {
            if (!anchor.IsEmpty) anchors[anchor.Value] = node;
        }
    }
}
