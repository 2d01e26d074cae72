using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace NetPlan.Kernel.Netlink;

/// <summary>Netlink framing constants (linux/netlink.h).</summary>
public static class Nl
{
    public const int HeaderSize = 16;

    // nlmsg_type
    public const ushort NOOP = 1, ERROR = 2, DONE = 3;

    // request flags
    public const ushort F_REQUEST = 0x1, F_MULTI = 0x2, F_ACK = 0x4, F_ECHO = 0x8, F_DUMP_INTR = 0x10;
    public const ushort F_ROOT = 0x100, F_MATCH = 0x200, F_DUMP = F_ROOT | F_MATCH;
    public const ushort F_REPLACE = 0x100, F_EXCL = 0x200, F_CREATE = 0x400, F_APPEND = 0x800;
    public const ushort F_BULK = 0x200;
    // ack flags
    public const ushort F_CAPPED = 0x100, F_ACK_TLVS = 0x200;

    // extended ack TLVs
    public const ushort NLMSGERR_ATTR_MSG = 1, NLMSGERR_ATTR_OFFS = 2;

    public const ushort NLA_F_NESTED = 0x8000, NLA_F_NET_BYTEORDER = 0x4000, NLA_TYPE_MASK = 0x3fff;

    public static int Align(int length) => (length + 3) & ~3;
}

/// <summary>
/// Builds one netlink message: header, the protocol's fixed header, then attributes (nested ones
/// with <see cref="BeginNested"/>/<see cref="EndNested"/>). Host byte order unless a method says
/// "BigEndian"; the netlink header's length is patched by <see cref="ToArray"/>.
/// </summary>
public sealed class MessageWriter
{
    private byte[] _buffer = new byte[256];
    private int _length;
    private readonly Stack<int> _nests = new();

    public MessageWriter(ushort type, ushort flags)
    {
        Type = type;
        Flags = flags;
        _length = Nl.HeaderSize;
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(4), type);
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(6), flags);
    }

    public ushort Type { get; }
    public ushort Flags { get; }
    public int Length => _length;

    /// <summary>The fixed header after nlmsghdr (ifinfomsg, ifaddrmsg, rtmsg, ndmsg, nfgenmsg ...).</summary>
    public MessageWriter Fixed(ReadOnlySpan<byte> bytes)
    {
        Append(bytes);
        Pad();
        return this;
    }

    public MessageWriter Attr(ushort type, ReadOnlySpan<byte> value)
    {
        var len = 4 + value.Length;
        Ensure(Nl.Align(len));
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(_length), (ushort)len);
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(_length + 2), type);
        value.CopyTo(_buffer.AsSpan(_length + 4));
        _length += len;
        Pad();
        return this;
    }

    public MessageWriter U8(ushort type, byte value) => Attr(type, [value]);

    public MessageWriter U16(ushort type, ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        return Attr(type, b);
    }

    public MessageWriter U32(ushort type, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        return Attr(type, b);
    }

    public MessageWriter S32(ushort type, int value) => U32(type, unchecked((uint)value));

    public MessageWriter U16BigEndian(ushort type, ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(b, value);
        return Attr(type, b);
    }

    public MessageWriter U32BigEndian(ushort type, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        return Attr(type, b);
    }

    public MessageWriter U64BigEndian(ushort type, ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, value);
        return Attr(type, b);
    }

    /// <summary>A NUL-terminated string attribute (what the kernel expects for names and kinds).</summary>
    public MessageWriter String(ushort type, string value)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, bytes);
        return Attr(type, bytes);
    }

    /// <summary>A string without NUL terminator (NLA_STRING): iproute2 sends link kinds and aliases this way.</summary>
    public MessageWriter Chars(ushort type, string value) => Attr(type, Encoding.UTF8.GetBytes(value));

    public MessageWriter Address(ushort type, IPAddress address) => Attr(type, address.GetAddressBytes());

    /// <summary>Starts a nested attribute; <paramref name="type"/> may include <see cref="Nl.NLA_F_NESTED"/>.</summary>
    public MessageWriter BeginNested(ushort type)
    {
        Ensure(4);
        _nests.Push(_length);
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(_length + 2), type);
        _length += 4;
        return this;
    }

    public MessageWriter EndNested()
    {
        var start = _nests.Pop();
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(start), (ushort)(_length - start));
        return this;
    }

    /// <summary>The finished message with nlmsg_len, seq and pid filled in.</summary>
    public byte[] ToArray(uint sequence, uint portId = 0)
    {
        if (_nests.Count != 0) throw new InvalidOperationException("unbalanced nested attribute");
        var result = _buffer.AsSpan(0, _length).ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(result, (uint)_length);
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(8), sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(12), portId);
        return result;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    private void Pad()
    {
        var aligned = Nl.Align(_length);
        Ensure(aligned - _length);
        _buffer.AsSpan(_length, aligned - _length).Clear();
        _length = aligned;
    }

    private void Ensure(int extra)
    {
        if (_length + extra <= _buffer.Length) return;
        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + extra));
    }
}

/// <summary>One received netlink message: its header fields and payload (after nlmsghdr).</summary>
public readonly record struct NetlinkMessage(ushort Type, ushort Flags, uint Sequence, uint PortId, ReadOnlyMemory<byte> Payload)
{
    /// <summary>Attributes after a fixed header of <paramref name="fixedHeaderSize"/> bytes.</summary>
    public AttributeReader Attributes(int fixedHeaderSize) =>
        new(Payload.Span.Length >= Nl.Align(fixedHeaderSize) ? Payload[Nl.Align(fixedHeaderSize)..] : ReadOnlyMemory<byte>.Empty);
}

/// <summary>
/// Walks a run of attributes. <see cref="TryGetValue"/> finds one by type without allocating:
/// decoding a dump of 1000 links through a dictionary per message made most of an observation's garbage.
/// </summary>
public readonly struct AttributeReader(ReadOnlyMemory<byte> data)
{
    /// <summary>The value of the last attribute of <paramref name="type"/> (as <see cref="ToDictionary"/> would keep it).</summary>
    public bool TryGetValue(ushort type, out ReadOnlyMemory<byte> value)
    {
        value = default;
        var found = false;
        var span = data.Span;
        var offset = 0;
        while (offset + 4 <= span.Length)
        {
            var len = BinaryPrimitives.ReadUInt16LittleEndian(span[offset..]);
            if (len < 4 || offset + len > span.Length) break;
            if ((BinaryPrimitives.ReadUInt16LittleEndian(span[(offset + 2)..]) & Nl.NLA_TYPE_MASK) == type)
            {
                value = data.Slice(offset + 4, len - 4);
                found = true;
            }
            offset += Nl.Align(len);
        }
        return found;
    }

    public IEnumerable<(ushort Type, ReadOnlyMemory<byte> Value)> All()
    {
        var offset = 0;
        while (offset + 4 <= data.Length)
        {
            var span = data.Span;
            var len = BinaryPrimitives.ReadUInt16LittleEndian(span[offset..]);
            var type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(span[(offset + 2)..]) & Nl.NLA_TYPE_MASK);
            if (len < 4 || offset + len > data.Length) yield break;
            yield return (type, data.Slice(offset + 4, len - 4));
            offset += Nl.Align(len);
        }
    }

    /// <summary>Last value wins for repeated types (use <see cref="All"/> when repetition matters).</summary>
    public Dictionary<ushort, ReadOnlyMemory<byte>> ToDictionary()
    {
        var result = new Dictionary<ushort, ReadOnlyMemory<byte>>();
        foreach (var (type, value) in All()) result[type] = value;
        return result;
    }
}

/// <summary>Decoding helpers for attribute values.</summary>
public static class AttributeValue
{
    public static byte U8(ReadOnlyMemory<byte> v) => v.Span[0];
    public static ushort U16(ReadOnlyMemory<byte> v) => BinaryPrimitives.ReadUInt16LittleEndian(v.Span);
    public static uint U32(ReadOnlyMemory<byte> v) => BinaryPrimitives.ReadUInt32LittleEndian(v.Span);
    public static int S32(ReadOnlyMemory<byte> v) => BinaryPrimitives.ReadInt32LittleEndian(v.Span);
    public static ushort U16BigEndian(ReadOnlyMemory<byte> v) => BinaryPrimitives.ReadUInt16BigEndian(v.Span);
    public static uint U32BigEndian(ReadOnlyMemory<byte> v) => BinaryPrimitives.ReadUInt32BigEndian(v.Span);
    public static ulong U64BigEndian(ReadOnlyMemory<byte> v) => BinaryPrimitives.ReadUInt64BigEndian(v.Span);

    /// <summary>A NUL-terminated (or not) string.</summary>
    public static string String(ReadOnlyMemory<byte> v)
    {
        var span = v.Span;
        var nul = span.IndexOf((byte)0);
        return Encoding.UTF8.GetString(nul < 0 ? span : span[..nul]);
    }

    public static IPAddress Address(ReadOnlyMemory<byte> v) => new(v.Span);

    /// <summary>Lower-case colon form, <c>02:42:0a:0a:00:0a</c>.</summary>
    public static string Mac(ReadOnlyMemory<byte> v) => v.IsEmpty ? "" : string.Create(v.Length * 3 - 1, v, static (text, mac) =>
    {
        const string hex = "0123456789abcdef";
        var bytes = mac.Span;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (i > 0) text[i * 3 - 1] = ':';
            text[i * 3] = hex[bytes[i] >> 4];
            text[i * 3 + 1] = hex[bytes[i] & 0xf];
        }
    });
}
