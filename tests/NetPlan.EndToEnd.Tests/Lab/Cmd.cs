using System.Diagnostics;
using System.Text;

namespace NetPlan.EndToEnd.Tests.Lab;

/// <summary>Runs lab plumbing commands (ip, nsenter, ssh-keygen) with an argv, never through a shell.</summary>
public static class Cmd
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public Result Check(string what)
        {
            if (ExitCode != 0) throw new InvalidOperationException($"{what} failed (exit {ExitCode}): {Stderr.Trim()} {Stdout.Trim()}".Trim());
            return this;
        }
    }

    public static ProcessStartInfo StartInfo(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        return start;
    }

    public static Task<Result> RunAsync(string program, params string[] arguments) => RunAsync(StartInfo(program, arguments));

    public static async Task<Result> RunAsync(ProcessStartInfo start, string? stdin = null, TimeSpan? timeout = null)
    {
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {start.FileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not finish in {timeout ?? TimeSpan.FromSeconds(60)}");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    public static async Task<Result> CheckAsync(string program, params string[] arguments) =>
        (await RunAsync(program, arguments)).Check($"{program} {string.Join(' ', arguments)}");
}
