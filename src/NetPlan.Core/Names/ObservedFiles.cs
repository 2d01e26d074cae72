using NetPlan.Core.State;

namespace NetPlan.Core.Names;

/// <summary>
/// The content of the files a node already holds, so that a desired file equal to one of them
/// shares the observed string instead of being a second copy. Every sandbox's hosts file lists
/// every peer: 1000 sandboxes on one network hold 17 MB of hosts files, and a no-op plan kept
/// them twice (as UTF-16), which made most of its memory and page faults.
/// </summary>
internal sealed class ObservedFiles(IReadOnlyDictionary<string, string> contentByPath)
{
    public static readonly ObservedFiles None = new(new Dictionary<string, string>());

    public static ObservedFiles Of(HostState state) =>
        new(state.Objects.OfType<FileObject>().ToDictionary(f => f.Path, f => f.Content, StringComparer.Ordinal));

    /// <summary><paramref name="content"/> as a string: the observed content of <paramref name="path"/> when equal, else a new string.</summary>
    public string Content(string path, ReadOnlySpan<char> content) =>
        contentByPath.TryGetValue(path, out var observed) && content.SequenceEqual(observed) ? observed : new string(content);
}
