using System.Net;
using System.Text.Json;
using NetPlan.Kernel.Nftables;
using NetPlan.Kernel.Nftables.Expressions;
using NetPlan.Tests;

namespace NetPlan.Kernel.Tests.Nftables;

/// <summary>
/// The library against the kernel, each test in its own throwaway namespace (never the root
/// namespace's ruleset), with <c>nft</c> as the independent witness.
/// </summary>
public class NftablesKernelTests
{
    private static readonly Table Owned = new("netplan-test");

    private static TableContents Sample() => NftEncodingTests.Capture1Contents() with
    {
        Table = Owned,
    };

    private static JsonElement[] NftJson(ThrowawayNamespace ns, params string[] what) =>
        JsonDocument.Parse(ns.Exec(["nft", "-j", "list", .. what])).RootElement.GetProperty("nftables").EnumerateArray().ToArray();

    [SkippableFact]
    public void A_written_table_reads_back_equal_through_the_decoder_and_as_nft_lists_it()
    {
        Privileged.Require();
        using var ns = new ThrowawayNamespace();
        using var nft = NftablesClient.OpenIn(ns.Path);

        nft.ReplaceTable(Sample());

        var read = nft.ReadTable(Owned);
        Assert.NotNull(read);
        Assert.Empty(Sample().Differences(read));
        Assert.Equal(Sample(), read);

        var json = NftJson(ns, "table", "inet", "netplan-test");
        var chains = json.Where(e => e.TryGetProperty("chain", out _)).Select(e => e.GetProperty("chain")).ToArray();
        var prerouting = chains.Single(c => c.GetProperty("name").GetString() == "prerouting");
        Assert.Equal("nat", prerouting.GetProperty("type").GetString());
        Assert.Equal("prerouting", prerouting.GetProperty("hook").GetString());
        Assert.Equal(-100, prerouting.GetProperty("prio").GetInt32());
        Assert.Equal("accept", prerouting.GetProperty("policy").GetString());
        Assert.False(chains.Single(c => c.GetProperty("name").GetString() == "isolate").TryGetProperty("hook", out _));
        var rules = json.Where(e => e.TryGetProperty("rule", out _)).Select(e => e.GetProperty("rule")).ToArray();
        Assert.Equal(12, rules.Length);
        Assert.Equal("web 8080/tcp", rules[0].GetProperty("comment").GetString());
        var set = json.Single(e => e.TryGetProperty("set", out _)).GetProperty("set");
        Assert.Equal("inet_service", set.GetProperty("type").GetString());
        Assert.Equal([80, 443], set.GetProperty("elem").EnumerateArray().Select(x => x.GetInt32()).Order());

        // The text form is what operators read: the comments and the familiar syntax.
        var text = ns.Exec("nft", "list", "table", "inet", "netplan-test");
        Assert.Contains("tcp dport 8080 dnat ip to 10.0.0.2:80 comment \"web 8080/tcp\"", text);
        Assert.Contains("ct state established,related accept", text);
        Assert.Contains("ip saddr 10.0.0.0/24 oifname != \"br-x\" masquerade", text);
        Assert.Contains("tcp dport 7000-7010 dnat ip to 10.0.0.2:7000-7010", text);
    }

    [SkippableFact]
    public void A_table_written_by_nft_decodes_into_the_objects_the_library_would_write()
    {
        Privileged.Require();
        using var ns = new ThrowawayNamespace();
        using var nft = NftablesClient.OpenIn(ns.Path);
        var script = Path.GetTempFileName();
        try
        {
            File.WriteAllText(script, """
                table inet netplan-test {
                  set ports { type inet_service; elements = { 80, 443 } }
                  chain prerouting { type nat hook prerouting priority dstnat; policy accept;
                    tcp dport 8080 dnat ip to 10.0.0.2:80 comment "web 8080/tcp"
                    udp dport 5353 dnat ip to 10.0.0.2:53
                    meta l4proto sctp th dport 9000 dnat ip to 10.0.0.2:9000
                    tcp dport 7000-7010 dnat ip to 10.0.0.2:7000-7010
                    ip daddr 127.0.0.1 tcp dport 8081 dnat ip to 10.0.0.3:81
                  }
                  chain postrouting { type nat hook postrouting priority srcnat; policy accept;
                    ip saddr 10.0.0.0/24 oifname != "br-x" masquerade
                  }
                  chain forward { type filter hook forward priority filter; policy accept;
                    ct state established,related accept
                    iifname "br-a" oifname "br-b" drop
                    tcp dport @ports accept
                    iifname "br-a" jump isolate
                    fib daddr type local counter drop
                  }
                  chain isolate { return; }
                }
                """);
            ns.Exec("nft", "-f", script);
        }
        finally
        {
            File.Delete(script);
        }

        var read = nft.ReadTable(Owned)!;

        Assert.Empty(Sample().Differences(read));
    }

    [SkippableFact]
    public void Replacing_swaps_the_whole_contents_and_leaves_a_foreign_table_untouched()
    {
        Privileged.Require();
        using var ns = new ThrowawayNamespace();
        ns.Exec("nft", "add table inet filter; add chain inet filter input { type filter hook input priority 0; policy accept; }; add rule inet filter input tcp dport 22 accept comment \"host ssh\"");
        var foreignBefore = ns.Exec("nft", "-a", "list", "table", "inet", "filter");
        using var nft = NftablesClient.OpenIn(ns.Path);

        nft.ReplaceTable(Sample());
        var smaller = new TableContents(Owned,
            [Chain.Hooked("prerouting", ChainType.Nat, Hook.Prerouting, Priority.DstNat)],
            [new RuleBuilder("prerouting").DestinationPort(IpProtocol.Udp, 9999).Dnat(IPAddress.Parse("10.0.0.9"), 99).Build("only rule")],
            []);
        nft.ReplaceTable(smaller);

        Assert.Equal(smaller, nft.ReadTable(Owned));
        var text = ns.Exec("nft", "list", "table", "inet", "netplan-test");
        Assert.DoesNotContain("forward", text);
        Assert.DoesNotContain("ports", text);
        Assert.Equal(foreignBefore, ns.Exec("nft", "-a", "list", "table", "inet", "filter"));

        nft.DeleteTable(Owned);
        Assert.Null(nft.ReadTable(Owned));
        Assert.Equal(foreignBefore, ns.Exec("nft", "-a", "list", "table", "inet", "filter"));
        Assert.DoesNotContain("netplan-test", ns.Exec("nft", "list", "tables"));
    }

    [SkippableFact]
    public void Deleting_a_missing_table_is_a_no_op()
    {
        Privileged.Require();
        using var ns = new ThrowawayNamespace();
        using var nft = NftablesClient.OpenIn(ns.Path);

        nft.DeleteTable(Owned);

        Assert.Null(nft.ReadTable(Owned));
        Assert.Equal("", ns.Exec("nft", "list", "ruleset").Trim());
    }

    [SkippableFact]
    public void A_refused_batch_leaves_the_previous_contents_and_names_the_refused_rule()
    {
        Privileged.Require();
        using var ns = new ThrowawayNamespace();
        using var nft = NftablesClient.OpenIn(ns.Path);
        nft.ReplaceTable(Sample());
        var before = ns.Exec("nft", "list", "table", "inet", "netplan-test");

        var broken = Sample() with
        {
            Rules = [.. Sample().Rules, new RuleBuilder("forward").InputInterface("br-z").Jump("no-such-chain").Build("to nowhere")],
        };
        var error = Assert.Throws<KernelException>(() => nft.ReplaceTable(broken));

        Assert.Contains("adding rule to table inet netplan-test chain forward (to nowhere)", error.Message);
        Assert.True(error.IsNotFound, error.Message);
        Assert.Equal(before, ns.Exec("nft", "list", "table", "inet", "netplan-test"));
        Assert.Equal(Sample(), nft.ReadTable(Owned));

        // The socket is still in step: the next transaction works and reports its own outcome.
        nft.ReplaceTable(Sample());
        Assert.Equal(Sample(), nft.ReadTable(Owned));
    }

    [SkippableFact]
    public void A_rule_deleted_by_hand_shows_as_a_difference()
    {
        Privileged.Require();
        using var ns = new ThrowawayNamespace();
        using var nft = NftablesClient.OpenIn(ns.Path);
        nft.ReplaceTable(Sample());

        var listing = JsonDocument.Parse(ns.Exec("nft", "-j", "-a", "list", "chain", "inet", "netplan-test", "prerouting"));
        var handle = listing.RootElement.GetProperty("nftables").EnumerateArray()
            .Where(e => e.TryGetProperty("rule", out _)).Select(e => e.GetProperty("rule"))
            .Single(r => r.TryGetProperty("comment", out var c) && c.GetString() == "web 8080/tcp")
            .GetProperty("handle").GetInt32();
        ns.Exec("nft", "delete", "rule", "inet", "netplan-test", "prerouting", "handle", handle.ToString());

        var differences = Sample().Differences(nft.ReadTable(Owned)!);

        var difference = Assert.Single(differences);
        Assert.StartsWith("rule missing: prerouting:", difference);
        Assert.Contains("web 8080/tcp", difference);
    }

    [SkippableFact]
    public void A_hand_added_rule_of_an_unmodelled_kind_reads_back_as_an_unexpected_rule()
    {
        Privileged.Require();
        using var ns = new ThrowawayNamespace();
        using var nft = NftablesClient.OpenIn(ns.Path);
        nft.ReplaceTable(Sample());
        ns.Exec("nft", "add", "rule", "inet", "netplan-test", "forward", "limit", "rate", "10/second", "accept");

        var differences = Sample().Differences(nft.ReadTable(Owned)!);

        Assert.Contains(differences, d => d.StartsWith("rule unexpected: forward:") && d.Contains("limit"));
    }

    [SkippableFact]
    public void Rules_can_be_appended_without_rewriting_the_table()
    {
        Privileged.Require();
        using var ns = new ThrowawayNamespace();
        using var nft = NftablesClient.OpenIn(ns.Path);
        nft.ReplaceTable(Sample());
        var handlesBefore = ns.Exec("nft", "-a", "list", "chain", "inet", "netplan-test", "prerouting");

        var extra = new RuleBuilder("prerouting").DestinationPort(IpProtocol.Tcp, 8443).Dnat(IPAddress.Parse("10.0.0.2"), 443).Build("web 8443/tcp");
        nft.AddRules(Owned, [extra]);

        var read = nft.ReadTable(Owned)!;
        Assert.Equal(extra, read.Rules.Where(r => r.Chain == "prerouting").Last());
        var after = ns.Exec("nft", "-a", "list", "chain", "inet", "netplan-test", "prerouting");
        // Existing rules keep their handles: nothing was deleted and re-added.
        foreach (var line in handlesBefore.Split('\n').Where(l => l.Contains("# handle") && l.Contains("dnat")))
            Assert.Contains(line, after);
        Assert.Contains("tcp dport 8443 dnat ip to 10.0.0.2:443 comment \"web 8443/tcp\"", after);
    }

    [SkippableFact]
    public void Maps_and_verdict_maps_round_trip()
    {
        Privileged.Require();
        using var ns = new ThrowawayNamespace();
        using var nft = NftablesClient.OpenIn(ns.Path);
        var key = SetDataType.Concat(SetDataType.Ipv4Address, SetDataType.InetService);
        var contents = new TableContents(Owned,
            [Chain.Hooked("forward", ChainType.Filter, Hook.Forward, Priority.Filter, Verdict.Drop), Chain.Regular("net-a")],
            [
                new RuleBuilder("forward").Add(new Meta(MetaKey.IifName)).Add(new Lookup("by-iif", Destination: Register.Verdict)).Build("dispatch"),
                new RuleBuilder("net-a").Reject().Build(),
            ],
            [
                new NftSet("by-iif", SetDataType.InterfaceName, [new SetElement(NftData.InterfaceName("br-a"), Verdict: Verdict.Jump("net-a"))], VerdictMap: true),
                new NftSet("backends", key, [new SetElement(NftData.Concat(NftData.Address(IPAddress.Parse("10.0.0.2")), NftData.U16BigEndian(80)), NftData.Address(IPAddress.Parse("10.0.0.3")))], Value: SetDataType.Ipv4Address),
            ]);

        nft.ReplaceTable(contents);

        Assert.Empty(contents.Differences(nft.ReadTable(Owned)!));
        var text = ns.Exec("nft", "list", "table", "inet", "netplan-test");
        Assert.Contains("\"br-a\" : jump net-a", text);
        Assert.Contains("10.0.0.2 . 80 : 10.0.0.3", text);
        Assert.Contains("policy drop", text);
    }

    [SkippableFact]
    public void The_table_comment_carries_an_ownership_mark_nft_shows()
    {
        Privileged.Require();
        using var ns = new ThrowawayNamespace();
        using var nft = NftablesClient.OpenIn(ns.Path);
        var marked = Owned with { Comment = "netplan:lab" };

        nft.ReplaceTable(TableContents.Empty(marked));

        Assert.Equal(marked, nft.ReadTable(Owned)!.Table);
        Assert.Contains("comment \"netplan:lab\"", ns.Exec("nft", "list", "table", "inet", "netplan-test"));
        // A same-named table made by someone else has no mark, and reads back without one.
        nft.DeleteTable(Owned);
        ns.Exec("nft", "add", "table", "inet", "netplan-test");
        Assert.Null(nft.ReadTable(Owned)!.Table.Comment);
    }

    [SkippableFact]
    public void A_replace_against_a_stale_generation_is_refused_and_changes_nothing()
    {
        Privileged.Require();
        using var ns = new ThrowawayNamespace();
        using var nft = NftablesClient.OpenIn(ns.Path);
        nft.ReplaceTable(Sample());
        var (contents, observed) = nft.Snapshot(Owned);
        Assert.Equal(Sample(), contents);
        Assert.Equal(nft.Generation(), observed);

        ns.Exec("nft", "add", "table", "inet", "someone-else");
        var before = ns.Exec("nft", "list", "ruleset");
        var error = Assert.Throws<KernelException>(() => nft.ReplaceTable(TableContents.Empty(Owned), observed));

        Assert.Contains("the ruleset changed after it was read", error.Message);
        Assert.Equal(before, ns.Exec("nft", "list", "ruleset"));
        var current = nft.Generation();
        Assert.NotEqual(observed, current);
        nft.ReplaceTable(TableContents.Empty(Owned), current);
        Assert.Equal(TableContents.Empty(Owned), nft.ReadTable(Owned));
    }

    [SkippableFact]
    public void Elements_can_be_added_to_an_existing_set()
    {
        Privileged.Require();
        using var ns = new ThrowawayNamespace();
        using var nft = NftablesClient.OpenIn(ns.Path);
        nft.ReplaceTable(Sample());

        nft.AddElements(Owned, "ports", [SetElement.Port(8443)]);

        var set = nft.ReadTable(Owned)!.Sets.Single();
        Assert.Equal(new NftSet("ports", SetDataType.InetService, [SetElement.Port(80), SetElement.Port(443), SetElement.Port(8443)]), set);
        Assert.Contains("8443", ns.Exec("nft", "list", "set", "inet", "netplan-test", "ports"));
    }

    [SkippableFact]
    public void A_set_bigger_than_one_element_message_round_trips()
    {
        Privileged.Require();
        using var ns = new ThrowawayNamespace();
        using var nft = NftablesClient.OpenIn(ns.Path);
        var ports = Enumerable.Range(20000, 1500).Select(p => SetElement.Port((ushort)p)).ToList();
        var contents = new TableContents(Owned,
            [Chain.Hooked("input", ChainType.Filter, Hook.Input, Priority.Filter)],
            [new RuleBuilder("input").DestinationPortIn(IpProtocol.Udp, "open").Accept().Build()],
            [new NftSet("open", SetDataType.InetService, ports)]);

        nft.ReplaceTable(contents);

        Assert.Equal(contents, nft.ReadTable(Owned));
        Assert.Contains("21499", ns.Exec("nft", "list", "set", "inet", "netplan-test", "open"));
    }
}
