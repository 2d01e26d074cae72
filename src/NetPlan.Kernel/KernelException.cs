using NetPlan.Kernel.Interop;

namespace NetPlan.Kernel;

/// <summary>
/// The kernel refused something. The message always reads as a sentence an operator can act on:
/// <c>creating vxlan np-x1 (vni 4097): File exists (kernel: ...)</c> — the operation, the errno's
/// text and, when the kernel sent one, its extended-ack message. Never a bare errno number.
/// </summary>
public sealed class KernelException : Exception
{
    public int Errno { get; }
    public string Operation { get; }
    public string? KernelMessage { get; }

    public KernelException(string operation, int errno, string? kernelMessage = null)
        : base(Format(operation, errno, kernelMessage))
    {
        Operation = operation;
        Errno = errno;
        KernelMessage = kernelMessage;
    }

    public bool IsExists => Errno == 17;          // EEXIST
    public bool IsNotFound => Errno is 2 or 19;   // ENOENT, ENODEV
    public bool IsNotSupported => Errno is 95 or 93; // EOPNOTSUPP, EPROTONOSUPPORT

    private static string Format(string operation, int errno, string? kernelMessage) =>
        string.IsNullOrEmpty(kernelMessage)
            ? $"{operation}: {LibC.ErrorText(errno)}"
            : $"{operation}: {LibC.ErrorText(errno)} (kernel: {kernelMessage})";
}
