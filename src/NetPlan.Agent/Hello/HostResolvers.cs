namespace NetPlan.Agent.Hello;

/// <summary>The host's resolvers as its resolv.conf lists them (the planner keeps loopback ones out of sandboxes).</summary>
internal static class HostResolvers
{
    public static IReadOnlyList<string> Read(string path)
    {
        if (!File.Exists(path)) return [];
        return File.ReadLines(path)
            .Select(line => line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .Where(words => words is ["nameserver", _, ..])
            .Select(words => words[1])
            .ToList();
    }
}
