using NetPlan.Core.State;

namespace NetPlan.Agent.Observe;

/// <summary>
/// Reads the small files an observation reports, each straight into a slice of a shared chunk.
/// 1000 sandboxes' hosts files are 17 MB: read into an array each, the GC zeroed every array
/// before the read filled it and then copied them all when they survived a collection. Chunks
/// are left uninitialised (the read fills the slice) and large enough to live in the large object
/// heap, which is never compacted. One reader per observation, used from one thread.
/// </summary>
internal sealed class FileReader
{
    private const int ChunkSize = 1 << 20;

    private byte[] _chunk = [];
    private int _used;

    /// <summary>The file's content; null when there is no file (or a directory) at <paramref name="path"/>.</summary>
    public FileText? ReadIfExists(string path)
    {
        try
        {
            // No advisory lock (FileShare.Read takes one: two flock calls per file) and no size
            // asked first (an fstat per file): the read goes into the chunk's free room, which is
            // at least a quarter chunk, and a file that fills it is read again on its own.
            using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var room = Room();
            int length = 0, read;
            while (length < room.Length && (read = RandomAccess.Read(file, room.Span[length..], length)) > 0)
                length += read;
            if (length == room.Length) return FileText.Own(File.ReadAllBytes(path));
            _used += length;
            return FileText.Own(room[..length]);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (UnauthorizedAccessException) when (Directory.Exists(path))
        {
            return null; // a directory where a sandbox file goes is not a file: creating it reports the obstacle
        }
    }

    private Memory<byte> Room()
    {
        if (_chunk.Length - _used < ChunkSize / 4)
        {
            _chunk = GC.AllocateUninitializedArray<byte>(ChunkSize);
            _used = 0;
        }
        return _chunk.AsMemory(_used);
    }
}
