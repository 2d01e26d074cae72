using System.Security.Cryptography;
using System.Text.Json;
using NetPlan.Core.State;

namespace NetPlan.Core.Planning;

/// <summary>
/// The identity of an observed host state: SHA-256 (lower-case hex) of its objects sorted by key and
/// serialised with <see cref="StateJson"/> as UTF-8. The agent recomputes it before applying; a different
/// value means the host changed since the plan was made (a stale plan).
/// </summary>
public static class Fingerprint
{
    public static string Of(HostState state)
    {
        var canonical = new HostState(state.Objects.OrderBy(o => o.Key, StringComparer.Ordinal).ToList());
        // Streamed into the hash: with 1000 sandboxes on one network the hosts files alone are
        // ~17 MB, and one JSON string of all of it (plus its UTF-8 copy) cost more than the hashing.
        using var hash = new HashingStream(IncrementalHash.CreateHash(HashAlgorithmName.SHA256));
        JsonSerializer.Serialize(hash, canonical, StateJson.Default.HostState);
        return Convert.ToHexStringLower(hash.Hash());
    }

    /// <summary>A write-only stream that feeds everything written to it into a hash.</summary>
    private sealed class HashingStream(IncrementalHash hash) : Stream
    {
        public byte[] Hash() => hash.GetHashAndReset();

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

        protected override void Dispose(bool disposing)
        {
            if (disposing) hash.Dispose();
            base.Dispose(disposing);
        }
    }
}
