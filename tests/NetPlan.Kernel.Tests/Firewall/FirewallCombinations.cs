using NetPlan.Core.Compile;
using NetPlan.Core.State;
using NetPlan.Core.Language;

namespace NetPlan.Kernel.Tests.Firewall;

/// <summary>
/// One small topology per combination of a network's <c>internal</c>, <c>masquerade</c> and
/// <c>icc</c> and whether a sandbox publishes ports (TCP, UDP, SCTP, a range, a host address,
/// 127.0.0.1), compiled by the real compiler: the firewall tables NetPlan would write.
/// </summary>
public static class FirewallCombinations
{
    public sealed record Combination(bool Internal, bool Masquerade, bool Icc, bool Ports)
    {
        public string Name => $"internal-{Lower(Internal)}_masquerade-{Lower(Masquerade)}_icc-{Lower(Icc)}_ports-{Lower(Ports)}";
        public override string ToString() => Name;
        private static string Lower(bool b) => b ? "true" : "false";
    }

    /// <summary>Every valid combination (<c>internal</c> with <c>masquerade</c> is an error, so it is not one).</summary>
    public static IEnumerable<Combination> All() =>
        from @internal in new[] { false, true }
        from masquerade in new[] { true, false }
        where !(@internal && masquerade)
        from icc in new[] { true, false }
        from ports in new[] { true, false }
        select new Combination(@internal, masquerade, icc, ports);

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var c in All()) data.Add(c.Name);
        return data;
    }

    public static Combination Named(string name) => All().Single(c => c.Name == name);

    public static string Yaml(Combination c) => $$"""
        version: 1
        name: g
        nodes:
          n: { connection: local }
        networks:
          net: { subnet: 10.90.0.0/24, internal: {{Bool(c.Internal)}}, masquerade: {{Bool(c.Masquerade)}}, icc: {{Bool(c.Icc)}} }
          other: { subnet: 10.91.0.0/24 }
        sandboxes:
          a:
            node: n
            networks: { net: { ipv4_address: 10.90.0.10 }, other: { ipv4_address: 10.91.0.10 } }
            ports: {{(c.Ports ? """["8080:80", "5353:53/udp", "7000-7002:7000-7002/sctp", "6000-6001:7100-7101", "192.0.2.1:8443:443", "127.0.0.1:9090:90"]""" : "[]")}}
          b:
            node: n
            networks: { net: { ipv4_address: 10.90.0.11 } }
        """;

    private static string Bool(bool b) => b ? "true" : "false";

    /// <summary>The firewall tables of node n, in the order the compiler produced them.</summary>
    public static IReadOnlyList<FirewallTableObject> Tables(Combination c)
    {
        var load = TopologyLoader.Parse(Yaml(c), "topology.yml");
        Assert.True(load.Topology is not null, string.Join("\n", load.Diagnostics));
        var facts = new HostFacts("test", "6.0", [LinkKind.Bridge, LinkKind.Veth, LinkKind.Vxlan, LinkKind.Macvlan], []);
        var result = DesiredStateCompiler.Compile(load.Topology!, new Dictionary<string, Observation> { ["n"] = new(facts, HostState.Empty) });
        Assert.Empty(result.Errors);
        return result.Hosts["n"].State.Objects.OfType<FirewallTableObject>().ToList();
    }
}
