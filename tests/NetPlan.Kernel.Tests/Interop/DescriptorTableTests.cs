using NetPlan.Kernel.Interop;

namespace NetPlan.Kernel.Tests.Interop;

/// <summary>Growing the descriptor table ahead: the kernel shows its size as FDSize in /proc/self/status.</summary>
public sealed class DescriptorTableTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nptest-fd-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Reserving_grows_the_table_in_one_go_and_leaves_open_descriptors_as_they_were()
    {
        // Descriptors of our own (other tests open and close theirs meanwhile).
        var paths = Enumerable.Range(0, 3).Select(i => Path.Combine(_dir, $"f{i}")).ToList();
        foreach (var path in paths) File.WriteAllText(path, path);
        var handles = paths.Select(p => File.OpenHandle(p)).ToList();
        try
        {
            var before = TableSize();

            DescriptorTable.Reserve(before * 4);

            Assert.True(TableSize() >= before * 4, $"FDSize {TableSize()} after reserving {before * 4} more (was {before})");
            for (var i = 0; i < handles.Count; i++)
                Assert.Equal(paths[i], new FileInfo($"/proc/self/fd/{handles[i].DangerousGetHandle()}").LinkTarget);
        }
        finally
        {
            foreach (var handle in handles) handle.Dispose();
        }
    }

    private static int TableSize() =>
        int.Parse(File.ReadLines("/proc/self/status").Single(l => l.StartsWith("FDSize:", StringComparison.Ordinal))["FDSize:".Length..].Trim());
}
