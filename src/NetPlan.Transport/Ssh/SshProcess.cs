using System.Diagnostics;
using System.Text;

namespace NetPlan.Transport.Ssh;

/// <summary>One run of the ssh client: started with a fixed argv, never through a local shell.</summary>
internal static class SshProcess
{
    public sealed record Completed(int ExitCode, string Stdout, string Stderr);

    public static Process Start(SshOptions options, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(options.Program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException($"could not start {options.Program}");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"cannot run the OpenSSH client '{options.Program}': {ex.Message} (install openssh-client)", ex);
        }
    }

    /// <summary>Runs ssh to completion, feeding <paramref name="input"/> (or nothing) to the remote command's stdin.</summary>
    public static async Task<Completed> RunAsync(SshOptions options, IReadOnlyList<string> arguments, Stream? input, CancellationToken cancellationToken)
    {
        using var process = Start(options, arguments);
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            var stdin = FeedAsync(process, input, cancellationToken);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            // If the remote side stopped reading early (it failed), the exit code says more than the broken pipe.
            try { await stdin.ConfigureAwait(false); }
            catch (IOException) { }
            return new Completed(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw;
        }
    }

    private static async Task FeedAsync(Process process, Stream? input, CancellationToken cancellationToken)
    {
        var stdin = process.StandardInput.BaseStream;
        try
        {
            if (input is not null) await input.CopyToAsync(stdin, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // EOF tells the remote command its input is complete.
            try { await stdin.DisposeAsync().ConfigureAwait(false); }
            catch (IOException) { }
        }
    }

    public static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { /* exited meanwhile */ }
    }
}
