using NetPlan.Core.State;

namespace NetPlan.Core.Names;

/// <summary>
/// The content of the files a node already holds, so that a desired file equal to one of them
/// shares the observed content instead of being a second copy. Every sandbox's hosts file lists
/// every peer: 1000 sandboxes on one network hold 17 MB of hosts files, and a no-op plan kept
/// them twice, which made most of its memory and page faults.
/// </summary>
internal sealed class ObservedFiles(IReadOnlyDictionary<string, FileText> contentByPath)
{
    public static readonly ObservedFiles None = new(new Dictionary<string, FileText>());

    public static ObservedFiles Of(HostState state) =>
        new(state.Objects.OfType<FileObject>().ToDictionary(f => f.Path, f => f.Content, StringComparer.Ordinal));

    /// <summary><paramref name="utf8"/> as file content: the observed content of <paramref name="path"/> when equal, else a copy.</summary>
    public FileText Content(string path, ReadOnlySpan<byte> utf8) =>
        contentByPath.TryGetValue(path, out var observed) && utf8.SequenceEqual(observed.Utf8Bytes) ? observed : FileText.Copy(utf8);
}
