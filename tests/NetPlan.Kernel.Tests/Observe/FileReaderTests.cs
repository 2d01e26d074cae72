using NetPlan.Agent.Observe;
using NetPlan.Core.State;

namespace NetPlan.Kernel.Tests.Observe;

/// <summary>The observer's file reading: many files sharing chunks, large ones apart, and what is not a file.</summary>
public sealed class FileReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("netplan-files-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Every_file_reads_back_exactly_small_and_large_sharing_one_reader()
    {
        var contents = Enumerable.Range(0, 300)
            .Select(i => i % 50 == 7 ? new string('x', 300_000 + i) : $"# file {i}\n" + string.Concat(Enumerable.Repeat($"10.0.{i % 256}.1\tpeer{i}\n", i * 7)))
            .Append("")
            .ToList();
        for (var i = 0; i < contents.Count; i++) File.WriteAllText(Path.Combine(_dir, $"f{i}"), contents[i]);

        var reader = new FileReader();
        var read = contents.Select((_, i) => reader.ReadIfExists(Path.Combine(_dir, $"f{i}"))).ToList();

        for (var i = 0; i < contents.Count; i++)
        {
            Assert.NotNull(read[i]);
            Assert.Equal(contents[i], read[i]!.ToString());
            Assert.Equal((FileText)contents[i], read[i]);
        }
    }

    [Fact]
    public void A_missing_file_or_a_directory_is_no_file()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "hosts"));
        var reader = new FileReader();

        Assert.Null(reader.ReadIfExists(Path.Combine(_dir, "absent")));
        Assert.Null(reader.ReadIfExists(Path.Combine(_dir, "no-such-dir", "hosts")));
        Assert.Null(reader.ReadIfExists(Path.Combine(_dir, "hosts")));
    }

    [Fact]
    public void Bytes_that_are_not_utf8_are_held_replaced_so_they_differ_from_anything_netplan_writes()
    {
        var path = Path.Combine(_dir, "hosts");
        File.WriteAllBytes(path, [.. System.Text.Encoding.UTF8.GetBytes("10.0.0.1\tweb"), 0xC3, (byte)'\n']);

        var read = new FileReader().ReadIfExists(path)!;

        Assert.Equal("10.0.0.1\tweb\uFFFD\n", read.ToString());
        Assert.NotEqual((FileText)"10.0.0.1\tweb\n", read);
    }

    [Fact]
    public void A_file_someone_holds_an_exclusive_flock_on_still_reads()
    {
        var path = Path.Combine(_dir, "resolv.conf");
        using var held = NetPlan.Kernel.Locks.FileLock.TryAcquire(path, "nameserver 192.0.2.53\n");
        Assert.NotNull(held);

        Assert.Equal("nameserver 192.0.2.53\n", new FileReader().ReadIfExists(path)!.ToString());
    }
}
