using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using NetPlan.Core.State;

namespace NetPlan.Core.Planning;

/// <summary>
/// The identity of an observed host state: SHA-256 (lower-case hex) of its objects sorted by key,
/// as one <see cref="StateJson"/> array in UTF-8, where each file's content is left out of its JSON
/// and hashed as it is, right after it, behind its length. The agent recomputes it before applying;
/// a different value means the host changed since the plan was made (a stale plan).
/// </summary>
public static class Fingerprint
{
    public static string Of(HostState state)
    {
        // Streamed into the hash: with 1000 sandboxes on one network the hosts files alone are
        // ~17 MB. Their content skips JSON, whose escaping of every line's newline made hashing
        // them as JSON strings the last step of a no-op plan to finish.
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var json = new Utf8JsonWriter(new HashingStream(hash));
        Span<byte> length = stackalloc byte[sizeof(long)];
        json.WriteStartArray();
        foreach (var o in state.Objects.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            if (o is not FileObject file)
            {
                JsonSerializer.Serialize(json, o, StateJson.Default.StateObject);
                continue;
            }
            JsonSerializer.Serialize(json, file with { Content = "" }, StateJson.Default.StateObject);
            json.Flush();
            var content = file.Content.Utf8Bytes;
            BinaryPrimitives.WriteInt64LittleEndian(length, content.Length);
            hash.AppendData(length);
            hash.AppendData(content);
        }
        json.WriteEndArray();
        json.Flush();
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>A write-only stream that feeds everything written to it into a hash.</summary>
    private sealed class HashingStream(IncrementalHash hash) : Stream
    {
        public override void Write(byte[] buffer, int offset, int count) => hash.AppendData(buffer, offset, count);
        public override void Write(ReadOnlySpan<byte> buffer) => hash.AppendData(buffer);
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
