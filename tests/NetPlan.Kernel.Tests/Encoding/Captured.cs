using System.Buffers.Binary;
using NetPlan.Kernel.Netlink;

namespace NetPlan.Kernel.Tests.Encoding;

/// <summary>
/// Compares an encoded message with bytes iproute2 really sent. The captures were taken with
/// <c>ip netns exec nptest-capk strace -f -e trace=sendmsg -e write=3 COMMAND</c> inside a
/// throwaway namespace (iproute2 6.1.0, kernel 6.18); each test names its command. Sequence and
/// port id are taken from the capture, every other byte must match.
/// </summary>
internal static class Captured
{
    public static void AssertSame(string capturedHex, MessageWriter message)
    {
        var expected = Convert.FromHexString(capturedHex);
        var seq = BinaryPrimitives.ReadUInt32LittleEndian(expected.AsSpan(8));
        var pid = BinaryPrimitives.ReadUInt32LittleEndian(expected.AsSpan(12));
        Assert.Equal(capturedHex.ToLowerInvariant(), Convert.ToHexString(message.ToArray(seq, pid)).ToLowerInvariant());
    }
}
