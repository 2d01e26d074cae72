using NetPlan.Core.State;
using NetPlan.Kernel.Files;

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
        // The read goes into the chunk's free room (at least a quarter chunk) without asking the
        // file's size first (an fstat per file); a file that fills the room is read again on its own.
        var room = Room();
        if (PlainRead.Into(path, room.Span) is not { } length) return null;
        if (length < room.Length)
        {
            _used += length;
            return FileText.Own(room[..length]);
        }
        for (var size = room.Length * 2; ; size *= 2)
        {
            var own = GC.AllocateUninitializedArray<byte>(size);
            if (PlainRead.Into(path, own) is not { } read) return null;
            if (read < size) return FileText.Own(own.AsMemory(0, read));
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
