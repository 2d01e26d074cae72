using NetPlan.Core.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace NetPlan.Core.Topology.Yaml;

/// <summary>
/// Turns YAML text into a <see cref="YNode"/> tree using YamlDotNet's event parser. Never throws:
/// syntax errors, duplicate keys and unsupported constructs become located diagnostics.
/// </summary>
public static class YamlTreeReader
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
            var mark = ex.Start;
            diagnostics.Error(Codes.YamlSyntax, Clean(ex.Message), At(file, mark.Line, mark.Column));
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // YamlDotNet occasionally fails with a non-YAML exception on pathological input; it is
            // still a syntax problem in the user's file, so report it where the parser stopped.
            var mark = parser.Current?.Start ?? Mark.Empty;
            diagnostics.Error(Codes.YamlSyntax, Clean(ex.Message), At(file, mark.Line, mark.Column));
            return null;
        }
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
                    parser.MoveNext();
                    var items = new List<YNode>();
                    while (!parser.TryConsume<SequenceEnd>(out _)) items.Add(ReadNode(depth + 1));
                    var node = new YSequence(items, (int)seq.Start.Line, (int)seq.Start.Column);
                    Remember(seq.Anchor, node);
                    return node;
                }
                case MappingStart map:
                {
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
