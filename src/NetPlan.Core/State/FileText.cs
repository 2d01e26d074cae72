using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace NetPlan.Core.State;

/// <summary>
/// The content of a file NetPlan owns, held as the file holds it: UTF-8 bytes. Every sandbox's
/// hosts file lists every peer, so 1000 sandboxes on one network hold 17 MB of them; as strings
/// they were decoded, compared and kept at twice that size, which made most of a no-op plan's
/// time. Equal when the bytes are equal; on the wire and in saved plans it is a JSON string.
/// Always valid UTF-8: bytes that are not (a file edited by hand) are held with U+FFFD in place
/// of the bad sequences, so they never equal what NetPlan would write and show as drift.
/// </summary>
[JsonConverter(typeof(FileTextJson))]
public sealed class FileText : IEquatable<FileText>
{
    private readonly ReadOnlyMemory<byte> _utf8;

    private FileText(ReadOnlyMemory<byte> utf8) =>
        _utf8 = Utf8.IsValid(utf8.Span) ? utf8 : Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(utf8.Span));

    /// <summary>Takes <paramref name="utf8"/> as it is (no copy): the caller hands it over and never changes it.</summary>
    public static FileText Own(ReadOnlyMemory<byte> utf8) => new(utf8);

    public static FileText Copy(ReadOnlySpan<byte> utf8) => new(utf8.ToArray());

    public static implicit operator FileText(string text) => new(Encoding.UTF8.GetBytes(text));

    public ReadOnlySpan<byte> Utf8Bytes => _utf8.Span;

    public override string ToString() => Encoding.UTF8.GetString(_utf8.Span);

    public bool Equals(FileText? other) => other is not null && _utf8.Span.SequenceEqual(other._utf8.Span);

    public override bool Equals(object? obj) => Equals(obj as FileText);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(_utf8.Span);
        return hash.ToHashCode();
    }

    public static bool operator ==(FileText? left, FileText? right) => left?.Equals(right) ?? right is null;

    public static bool operator !=(FileText? left, FileText? right) => !(left == right);

    /// <summary>Written and read as a JSON string, straight from and to UTF-8 (no UTF-16 copy).</summary>
    internal sealed class FileTextJson : JsonConverter<FileText>
    {
        public override FileText Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String) throw new JsonException("file content must be a string");
            if (!reader.ValueIsEscaped && !reader.HasValueSequence) return Copy(reader.ValueSpan);
            var buffer = new byte[reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length];
            var length = reader.CopyString(buffer); // unescaped text is never longer than its escaped form
            return Own(buffer.AsMemory(0, length));
        }

        public override void Write(Utf8JsonWriter writer, FileText value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value._utf8.Span);
    }
}
