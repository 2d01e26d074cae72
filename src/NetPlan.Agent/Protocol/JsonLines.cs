using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace NetPlan.Agent.Protocol;

/// <summary>
/// Framing: one compact JSON document per line. The serializer escapes control characters inside
/// strings, so a raw '\n' can only ever be a frame boundary.
/// </summary>
internal sealed class JsonLineWriter(Stream output)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task WriteAsync<T>(T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await output.WriteAsync(NewLine, cancellationToken).ConfigureAwait(false);
            // Every frame is flushed: the peer is waiting for exactly this line.
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static readonly ReadOnlyMemory<byte> NewLine = "\n"u8.ToArray();
}

internal static class JsonLineReader
{
    public static StreamReader Open(Stream input) =>
        new(input, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), detectEncodingFromByteOrderMarks: false,
            bufferSize: 64 * 1024, leaveOpen: true);
}
