namespace NetPlan.Cli.Engine;

/// <summary>
/// Writes a file that only its owner can read (mode 0600: a plan holds the whole topology) so that
/// a reader sees the old content or the new, never a part: a temporary file beside it, flushed to
/// disk, then renamed over it.
/// </summary>
internal static class PrivateFile
{
    public static void WriteAtomically(string path, string content)
    {
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
            };
            // NetPlan runs on Linux only; the guard tells the analyzer so.
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(temporary, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(content);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
