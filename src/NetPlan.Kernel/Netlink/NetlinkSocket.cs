using System.Runtime.CompilerServices;
using System.Buffers.Binary;
using NetPlan.Kernel.Interop;

namespace NetPlan.Kernel.Netlink;

/// <summary>
/// One netlink socket, bound to the network namespace it was opened in, for good. Requests are
/// serialised (one outstanding exchange at a time) so any thread may use the socket; open sockets
/// for another namespace with <see cref="OpenIn"/>, which enters the namespace on a short-lived
/// dedicated thread and never on a pool thread.
/// </summary>
public sealed unsafe class NetlinkSocket : IDisposable
{
    public const int NETLINK_ROUTE = 0;
    public const int NETLINK_NETFILTER = 12;

    private const int ReceiveBufferSize = 256 * 1024;
    private const int MSG_TRUNC = 0x20;
    private const int MSG_DONTWAIT = 0x40;
    private const int MaxDumpAttempts = 10;

    private readonly object _gate = new();
    // One receive buffer per thread, not per socket: observing 1000 sandboxes opens 1000 sockets,
    // and 256 KiB each (large-object heap, zeroed) cost 256 MiB and several full collections.
    // Safe because a datagram is copied out of it before ReceiveDatagram returns.
    [ThreadStatic] private static byte[]? t_receive;
    private int _fd;
    private uint _sequence;

    public int Protocol { get; }
    public uint PortId { get; }

    private NetlinkSocket(int fd, int protocol, uint portId)
    {
        _fd = fd;
        Protocol = protocol;
        PortId = portId;
        _sequence = (uint)Environment.TickCount;
    }

    /// <summary>Opens a socket in the calling thread's network namespace.</summary>
    public static NetlinkSocket Open(int protocol)
    {
        var fd = LibC.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, protocol);
        if (fd < 0) throw Errno("opening netlink socket");
        return FromDescriptor(fd, protocol);
    }

    /// <summary>
    /// Configures and binds a netlink socket created elsewhere (e.g. inside another namespace by
    /// <see cref="NamespaceThread"/>): a socket belongs to the namespace it was created in, so
    /// everything after socket() can happen on any thread.
    /// </summary>
    public static NetlinkSocket FromDescriptor(int fd, int protocol)
    {
        try
        {
            SetInt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUFFORCE, 4 << 20, optional: true);
            SetInt(fd, LibC.SOL_SOCKET, LibC.SO_SNDBUFFORCE, 4 << 20, optional: true);
            SetInt(fd, LibC.SOL_NETLINK, LibC.NETLINK_EXT_ACK, 1, optional: true);
            SetInt(fd, LibC.SOL_NETLINK, LibC.NETLINK_CAP_ACK, 1, optional: true);
            if (protocol == NETLINK_ROUTE) SetInt(fd, LibC.SOL_NETLINK, LibC.NETLINK_GET_STRICT_CHK, 1, optional: true);

            var addr = new LibC.SockaddrNl { Family = LibC.AF_NETLINK };
            if (LibC.bind(fd, &addr, sizeof(LibC.SockaddrNl)) < 0) throw Errno("binding netlink socket");
            int len = sizeof(LibC.SockaddrNl);
            if (LibC.getsockname(fd, &addr, &len) < 0) throw Errno("reading netlink socket address");
            return new NetlinkSocket(fd, protocol, addr.Pid);
        }
        catch
        {
            LibC.close(fd);
            throw;
        }
    }

    /// <summary>
    /// Opens a socket inside the network namespace at <paramref name="netnsPath"/> (e.g.
    /// <c>/run/netns/web</c>): only socket() runs inside the namespace (see <see cref="NamespaceThread"/>).
    /// </summary>
    public static NetlinkSocket OpenIn(string netnsPath, int protocol) =>
        FromDescriptor(NamespaceThread.Run(netnsPath, [MethodImpl(MethodImplOptions.AggressiveOptimization)] () => LibC.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, protocol),
            $"opening a netlink socket in {netnsPath}"), protocol);

    /// <summary>
    /// Opens one socket in each namespace of <paramref name="netnsPaths"/>, entering them all on one
    /// dedicated thread (see <see cref="NamespaceThread.RunInEach"/>). On failure nothing stays open.
    /// </summary>
    public static NetlinkSocket[] OpenInEach(IReadOnlyList<string> netnsPaths, int protocol)
    {
        var fds = new int[netnsPaths.Count];
        var sockets = new NetlinkSocket[fds.Length];
        var opened = 0;
        try
        {
            NamespaceThread.RunInEach(netnsPaths, [MethodImpl(MethodImplOptions.AggressiveOptimization)] () => LibC.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, protocol),
                "opening a netlink socket", fds);
            for (; opened < fds.Length; opened++)
            {
                var fd = fds[opened];
                fds[opened] = -1; // FromDescriptor closes it on failure
                sockets[opened] = FromDescriptor(fd, protocol);
            }
            return sockets;
        }
        catch
        {
            for (var i = 0; i < opened; i++) sockets[i].Dispose();
            foreach (var fd in fds)
                if (fd >= 0) LibC.close(fd);
            throw;
        }
    }

    /// <summary>
    /// Opens a socket in a brand-new, unnamed network namespace that nothing else references:
    /// closing the socket destroys the namespace (used to probe what the kernel supports).
    /// </summary>
    public static NetlinkSocket OpenInNewNamespace(int protocol) =>
        FromDescriptor(NamespaceThread.RunInNew([MethodImpl(MethodImplOptions.AggressiveOptimization)] () => LibC.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, protocol),
            "opening a netlink socket in a new network namespace"), protocol);

    /// <summary>Sends a request that must be acknowledged; throws <see cref="KernelException"/> naming <paramref name="operation"/>.</summary>
    public void Request(MessageWriter message, string operation)
    {
        lock (_gate)
        {
            var seq = ++_sequence;
            SendRaw(message.ToArray(seq), operation);
            foreach (var reply in ReceiveUntilDone(seq, operation))
                _ = reply; // a non-dump request answers with its ack only (or echoes, which we ignore)
        }
    }

    /// <summary>Sends a request that is answered with one message (a GET without DUMP) and returns it.</summary>
    public NetlinkMessage Get(MessageWriter message, string operation)
    {
        lock (_gate)
        {
            var seq = ++_sequence;
            SendRaw(message.ToArray(seq), operation);
            NetlinkMessage? answer = null;
            foreach (var reply in ReceiveUntilDone(seq, operation))
                answer ??= reply;
            return answer ?? throw new KernelException(operation + " (no answer)", 61 /* ENODATA */);
        }
    }

    /// <summary>
    /// Runs a dump and returns every reply message. A dump the kernel flags as interrupted
    /// (NLM_F_DUMP_INTR: the object set changed mid-dump) is read to the end and retried whole.
    /// </summary>
    public List<NetlinkMessage> Dump(MessageWriter message, string operation)
    {
        lock (_gate)
        {
            for (var attempt = 1; ; attempt++)
            {
                var seq = ++_sequence;
                SendRaw(message.ToArray(seq), operation);
                var replies = new List<NetlinkMessage>();
                var interrupted = false;
                foreach (var reply in ReceiveUntilDone(seq, operation))
                {
                    interrupted |= (reply.Flags & Nl.F_DUMP_INTR) != 0;
                    replies.Add(reply);
                }
                if (!interrupted) return replies;
                if (attempt == MaxDumpAttempts)
                    throw new KernelException(operation + $" (dump interrupted {MaxDumpAttempts} times in a row)", 4);
            }
        }
    }

    /// <summary>
    /// Sends several messages in one datagram (an nftables batch is one kernel transaction) and
    /// collects the kernel's answers. The first error is thrown, described by
    /// <paramref name="describe"/>(index of the failing message; 0 is also used for a failure of
    /// the batch as a whole, which the kernel reports against the first message).
    /// </summary>
    /// <remarks>
    /// Why no waiting for ACKs: the kernel processes a netlink datagram synchronously inside
    /// send(), so when send returns every answer (errors always, ACKs for messages flagged
    /// NLM_F_ACK) is already queued on this socket. nfnetlink reports an error for each failing
    /// message whether or not it asked for an ACK, and on success answers nothing unless asked —
    /// and older kernels (before 6.10) never answer BATCH_BEGIN/END at all — so a loop waiting for
    /// specific ACKs could block forever. Draining the queue without blocking is exact on every
    /// kernel, and leaves no stale answer behind for the next request.
    /// </remarks>
    public void SendBatch(IReadOnlyList<MessageWriter> messages, Func<int, string> describe)
    {
        lock (_gate)
        {
            var firstSeq = _sequence + 1;
            var total = messages.Sum(m => m.Length);
            var datagram = new byte[total];
            var offset = 0;
            foreach (var message in messages)
            {
                var bytes = message.ToArray(++_sequence);
                bytes.CopyTo(datagram, offset);
                offset += bytes.Length;
            }
            SendRaw(datagram, describe(0));

            KernelException? failure = null;
            while (ReceiveDatagram(wait: false) is { } replies)
            {
                foreach (var reply in replies)
                {
                    if (reply.Type != Nl.ERROR || reply.Sequence < firstSeq || reply.Sequence > _sequence) continue;
                    var (errno, text) = ParseError(reply);
                    if (errno != 0 && failure is null)
                        failure = new KernelException(describe((int)(reply.Sequence - firstSeq)), errno, text);
                }
            }
            if (failure is not null) throw failure;
        }
    }

    private IEnumerable<NetlinkMessage> ReceiveUntilDone(uint seq, string operation)
    {
        while (true)
        {
            foreach (var reply in ReceiveDatagram(wait: true)!)
            {
                // Replies to an earlier request that was abandoned (exception mid-read) are skipped.
                if (reply.Sequence != seq) continue;
                switch (reply.Type)
                {
                    case Nl.ERROR:
                        var (errno, text) = ParseError(reply);
                        if (errno != 0) throw new KernelException(operation, errno, text);
                        yield break;
                    case Nl.DONE:
                        if (reply.Payload.Length >= 4)
                        {
                            var status = BinaryPrimitives.ReadInt32LittleEndian(reply.Payload.Span);
                            if (status < 0) throw new KernelException(operation, -status, ExtAckMessage(reply, 4));
                        }
                        yield break;
                    case Nl.NOOP:
                        continue;
                    default:
                        yield return reply;
                        if ((reply.Flags & Nl.F_MULTI) == 0) yield break;
                        break;
                }
            }
        }
    }

    /// <summary>One datagram's messages; with <paramref name="wait"/> false, null when none is queued.</summary>
    private List<NetlinkMessage>? ReceiveDatagram(bool wait)
    {
        nint received;
        int error = 0;
        var receive = t_receive ??= new byte[ReceiveBufferSize];
        fixed (byte* buffer = receive)
        {
            do
            {
                received = LibC.recv(_fd, buffer, receive.Length, MSG_TRUNC | (wait ? 0 : MSG_DONTWAIT));
                error = received < 0 ? System.Runtime.InteropServices.Marshal.GetLastPInvokeError() : 0;
            }
            while (error == LibC.EINTR);
        }
        if (!wait && error == LibC.EAGAIN) return null;
        if (received < 0) throw new KernelException("receiving from netlink", error);
        if (received > receive.Length) throw new KernelException($"receiving from netlink: message of {received} bytes truncated", 90);

        // Copy out: the receive buffer is reused by the next call.
        var data = receive.AsMemory(0, (int)received).ToArray().AsMemory();
        var messages = new List<NetlinkMessage>();
        var offset = 0;
        while (offset + Nl.HeaderSize <= data.Length)
        {
            var span = data.Span[offset..];
            var len = (int)BinaryPrimitives.ReadUInt32LittleEndian(span);
            if (len < Nl.HeaderSize || offset + len > data.Length) break;
            messages.Add(new NetlinkMessage(
                BinaryPrimitives.ReadUInt16LittleEndian(span[4..]),
                BinaryPrimitives.ReadUInt16LittleEndian(span[6..]),
                BinaryPrimitives.ReadUInt32LittleEndian(span[8..]),
                BinaryPrimitives.ReadUInt32LittleEndian(span[12..]),
                data.Slice(offset + Nl.HeaderSize, len - Nl.HeaderSize)));
            offset += Nl.Align(len);
        }
        return messages;
    }

    /// <summary>NLMSG_ERROR: errno (0 = ACK) and the kernel's extended-ack message, if any.</summary>
    private static (int Errno, string? Message) ParseError(NetlinkMessage reply)
    {
        var payload = reply.Payload.Span;
        var errno = -BinaryPrimitives.ReadInt32LittleEndian(payload);
        if (errno == 0 || (reply.Flags & Nl.F_ACK_TLVS) == 0) return (errno, null);
        // The echoed request follows the errno: only its header when CAPPED, else the whole message.
        var echoed = (reply.Flags & Nl.F_CAPPED) != 0
            ? Nl.HeaderSize
            : (int)BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]);
        return (errno, ExtAckMessage(reply, 4 + Nl.Align(echoed)));
    }

    private static string? ExtAckMessage(NetlinkMessage reply, int tlvOffset)
    {
        if ((reply.Flags & Nl.F_ACK_TLVS) == 0 || tlvOffset >= reply.Payload.Length) return null;
        foreach (var (type, value) in new AttributeReader(reply.Payload[tlvOffset..]).All())
            if (type == Nl.NLMSGERR_ATTR_MSG) return AttributeValue.String(value);
        return null;
    }

    private void SendRaw(byte[] datagram, string operation)
    {
        fixed (byte* p = datagram)
        {
            nint sent;
            do sent = LibC.send(_fd, p, datagram.Length, 0);
            while (sent < 0 && System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == LibC.EINTR);
            if (sent < 0) throw Errno(operation + " (sending to netlink)");
        }
    }

    private static void SetInt(int fd, int level, int name, int value, bool optional)
    {
        if (LibC.setsockopt(fd, level, name, &value, sizeof(int)) < 0 && !optional)
            throw Errno($"setsockopt({level}, {name})");
    }

    private static KernelException Errno(string operation) =>
        new(operation, System.Runtime.InteropServices.Marshal.GetLastPInvokeError());

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0) LibC.close(fd);
    }
}
