using System.Buffers.Binary;
using System.Net;
using NetPlan.Kernel.Netlink;
using NetPlan.Kernel.Nftables;
using NetPlan.Kernel.Nftables.Expressions;
using NetPlan.Kernel.Nftables.Wire;

namespace NetPlan.Kernel.Tests.Nftables;

/// <summary>
/// Byte-exact comparisons with what nft itself sends (<see cref="NftCaptures"/>), and decoding of
/// those same bytes back into the objects that produced them.
/// </summary>
public class NftEncodingTests
{
    private static readonly Table Np = new("np");
    private static readonly Table Np2 = new("np2");
    private static readonly IPAddress Web = IPAddress.Parse("10.0.0.2");

    /// <summary>Capture 1's table, built through the library in nft's order.</summary>
    internal static TableContents Capture1Contents() => new(Np,
        [
            Chain.Hooked("prerouting", ChainType.Nat, Hook.Prerouting, Priority.DstNat),
            Chain.Hooked("postrouting", ChainType.Nat, Hook.Postrouting, Priority.SrcNat),
            Chain.Hooked("forward", ChainType.Filter, Hook.Forward, Priority.Filter),
            Chain.Regular("isolate"),
        ],
        [
            new RuleBuilder("prerouting").DestinationPort(IpProtocol.Tcp, 8080).Dnat(Web, 80).Build("web 8080/tcp"),
            new RuleBuilder("prerouting").DestinationPort(IpProtocol.Udp, 5353).Dnat(Web, 53).Build(),
            new RuleBuilder("prerouting").DestinationPort(IpProtocol.Sctp, 9000).Dnat(Web, 9000).Build(),
            new RuleBuilder("prerouting").DestinationPorts(IpProtocol.Tcp, 7000, 7010).Dnat(Web, 7000, 7010).Build(),
            new RuleBuilder("prerouting").DestinationAddress(IPAddress.Loopback).DestinationPort(IpProtocol.Tcp, 8081).Dnat(IPAddress.Parse("10.0.0.3"), 81).Build(),
            new RuleBuilder("postrouting").SourcePrefix(IPAddress.Parse("10.0.0.0"), 24).OutputInterface("br-x", negate: true).Masquerade().Build(),
            new RuleBuilder("forward").ConnectionState(CtState.Established | CtState.Related).Accept().Build(),
            new RuleBuilder("forward").InputInterface("br-a").OutputInterface("br-b").Drop().Build(),
            new RuleBuilder("forward").DestinationPortIn(IpProtocol.Tcp, "ports").Accept().Build(),
            new RuleBuilder("forward").InputInterface("br-a").Jump("isolate").Build(),
            new RuleBuilder("forward").DestinationIsLocal().Count().Drop().Build(),
            new RuleBuilder("isolate").Return().Build(),
        ],
        [new NftSet("ports", SetDataType.InetService, [SetElement.Port(80), SetElement.Port(443)])]);

    /// <summary>The batch nft sent for capture 1: one NEWTABLE, chains, the set, its elements, rules.</summary>
    private static IReadOnlyList<MessageWriter> Capture1Batch()
    {
        var contents = Capture1Contents();
        var tx = new NftTransaction().AddTable(Np);
        foreach (var chain in contents.Chains) tx.AddChain(Np, chain);
        foreach (var set in contents.Sets) tx.AddSet(Np, set);
        foreach (var rule in contents.Rules) tx.AddRule(Np, rule);
        return tx.ToBatch();
    }

    private static string Hex(MessageWriter message, uint sequence) => Convert.ToHexString(message.ToArray(sequence)).ToLowerInvariant();

    private static void AssertCapture1(int index, string expected) => Assert.Equal(expected, Hex(Capture1Batch()[index], (uint)index));

    [Fact]
    public void The_whole_batch_equals_the_datagram_nft_sent()
    {
        var batch = Capture1Batch();
        string[] expected =
        [
            NftCaptures.BatchBegin, NftCaptures.TableNp, NftCaptures.ChainPrerouting, NftCaptures.ChainPostrouting,
            NftCaptures.ChainForward, NftCaptures.ChainIsolate, NftCaptures.SetPorts, NftCaptures.SetPortsElements,
            NftCaptures.DnatTcpWithComment, NftCaptures.DnatUdp, NftCaptures.DnatSctp, NftCaptures.DnatTcpRange,
            NftCaptures.DnatLoopbackOnly, NftCaptures.MasqueradeSubnetNotBridge, NftCaptures.CtEstablishedRelatedAccept,
            NftCaptures.IifOifDrop, NftCaptures.TcpDportInSetAccept, NftCaptures.IifJump, NftCaptures.FibLocalCounterDrop,
            NftCaptures.IsolateReturn, NftCaptures.BatchEnd,
        ];
        Assert.Equal(expected, batch.Select((m, i) => Hex(m, (uint)i)));
    }

    [Fact] public void Base_chains_with_hook_priority_policy() { AssertCapture1(2, NftCaptures.ChainPrerouting); AssertCapture1(3, NftCaptures.ChainPostrouting); AssertCapture1(4, NftCaptures.ChainForward); }
    [Fact] public void Regular_chain() => AssertCapture1(5, NftCaptures.ChainIsolate);
    [Fact] public void Set_of_inet_service_with_key_byte_order_userdata() => AssertCapture1(6, NftCaptures.SetPorts);
    [Fact] public void Set_elements_refer_to_the_set_by_batch_id() => AssertCapture1(7, NftCaptures.SetPortsElements);
    [Fact] public void Dnat_tcp_port_with_comment() => AssertCapture1(8, NftCaptures.DnatTcpWithComment);
    [Fact] public void Dnat_udp_port() => AssertCapture1(9, NftCaptures.DnatUdp);
    [Fact] public void Dnat_sctp_port() => AssertCapture1(10, NftCaptures.DnatSctp);
    [Fact] public void Dnat_tcp_port_range() => AssertCapture1(11, NftCaptures.DnatTcpRange);
    [Fact] public void Dnat_bound_to_one_host_address() => AssertCapture1(12, NftCaptures.DnatLoopbackOnly);
    [Fact] public void Masquerade_subnet_leaving_by_another_interface_than_its_bridge() => AssertCapture1(13, NftCaptures.MasqueradeSubnetNotBridge);
    [Fact] public void Ct_state_established_related_accept() => AssertCapture1(14, NftCaptures.CtEstablishedRelatedAccept);
    [Fact] public void Iifname_oifname_drop_between_networks() => AssertCapture1(15, NftCaptures.IifOifDrop);
    [Fact] public void Set_lookup_names_the_set_and_its_batch_id() => AssertCapture1(16, NftCaptures.TcpDportInSetAccept);
    [Fact] public void Jump_to_a_regular_chain() => AssertCapture1(17, NftCaptures.IifJump);
    [Fact] public void Fib_daddr_type_local_counter_drop() => AssertCapture1(18, NftCaptures.FibLocalCounterDrop);
    [Fact] public void Return_verdict() => AssertCapture1(19, NftCaptures.IsolateReturn);

    [Fact]
    public void Dnat_to_an_address_only_sends_no_port_registers_or_flags() =>
        Assert.Equal(NftCaptures.Np2DnatTcpAddressOnly, Hex(NftMessages.NewRule(Np2,
            new RuleBuilder("prerouting").DestinationPort(IpProtocol.Tcp, 8080).Dnat(Web).Build(), EncodingContext.None), 6));

    [Fact]
    public void Snat_from_a_prefix_not_on_a_byte_boundary_masks_the_whole_address() =>
        Assert.Equal(NftCaptures.Np2SnatPrefix20, Hex(NftMessages.NewRule(Np2,
            new RuleBuilder("postrouting").SourcePrefix(IPAddress.Parse("172.16.0.0"), 20).Snat(IPAddress.Parse("192.0.2.1")).Build(), EncodingContext.None), 7));

    [Fact]
    public void Negated_byte_aligned_prefix_and_reject() =>
        Assert.Equal(NftCaptures.Np2DaddrNotPrefix16Reject, Hex(NftMessages.NewRule(Np2,
            new RuleBuilder("forward").DestinationPrefix(IPAddress.Parse("10.1.0.0"), 16, negate: true)
                .Add(new Reject(RejectType.IcmpUnreachable, 3)).Build(), EncodingContext.None), 8));

    [Fact]
    public void Goto_a_regular_chain() =>
        Assert.Equal(NftCaptures.Np2IifGoto, Hex(NftMessages.NewRule(Np2,
            new RuleBuilder("forward").InputInterface("br-a").Goto("isolate").Build(), EncodingContext.None), 9));

    [Fact]
    public void Ipv6_dnat_and_prefixes_on_and_off_a_byte_boundary()
    {
        var np4 = new Table("np4");
        Assert.Equal(NftCaptures.Np4DnatIpv6, Hex(NftMessages.NewRule(np4, new RuleBuilder("prerouting")
            .DestinationAddress(IPAddress.Parse("2001:db8::10")).DestinationPort(IpProtocol.Tcp, 8080)
            .Dnat(IPAddress.Parse("fd00::2"), 80).Build(), EncodingContext.None), 4));
        Assert.Equal(NftCaptures.Np4MasqueradeIpv6Prefix64, Hex(NftMessages.NewRule(np4, new RuleBuilder("postrouting")
            .SourcePrefix(IPAddress.Parse("fd00::"), 64).Masquerade().Build(), EncodingContext.None), 5));
        Assert.Equal(NftCaptures.Np4MasqueradeIpv6Prefix60, Hex(NftMessages.NewRule(np4, new RuleBuilder("postrouting")
            .SourcePrefix(IPAddress.Parse("fd00:1::"), 60).Masquerade().Build(), EncodingContext.None), 6));
    }

    [Fact]
    public void Ct_status_dnat_accept_and_ct_state_invalid_drop()
    {
        var np5 = new Table("np5");
        Assert.Equal(NftCaptures.Np5CtStatusDnatAccept, Hex(NftMessages.NewRule(np5,
            new RuleBuilder("forward").ConnectionStatus(CtStatus.DstNat).Accept().Build(), EncodingContext.None), 3));
        Assert.Equal(NftCaptures.Np5CtStateInvalidDrop, Hex(NftMessages.NewRule(np5,
            new RuleBuilder("forward").ConnectionState(CtState.Invalid).Drop().Build(), EncodingContext.None), 4));
    }

    [Fact]
    public void Replace_table_creates_deletes_and_recreates_the_table_before_its_contents()
    {
        var batch = new NftTransaction().ReplaceTable(Capture1Contents()).ToBatch();

        Assert.Equal(NftCaptures.TableNp, Hex(batch[1], 1));                 // create if missing: the delete cannot fail
        Assert.Equal(NftCaptures.DeleteTableNp, Hex(batch[2], 1));           // then delete it
        Assert.Equal(NftCaptures.TableNp[..16] + "03" + NftCaptures.TableNp[18..], Hex(batch[3], 3)); // NEWTABLE again (seq 3)
        Assert.Equal(Capture1Batch().Count + 2, batch.Count);
        Assert.Equal(0x10, batch[0].Type);
        Assert.Equal(0x11, batch[^1].Type);
    }

    [Fact]
    public void Captured_rules_decode_into_the_rules_that_encode_them()
    {
        var contents = Capture1Contents();
        string[] captured =
        [
            NftCaptures.DnatTcpWithComment, NftCaptures.DnatUdp, NftCaptures.DnatSctp, NftCaptures.DnatTcpRange,
            NftCaptures.DnatLoopbackOnly, NftCaptures.MasqueradeSubnetNotBridge, NftCaptures.CtEstablishedRelatedAccept,
            NftCaptures.IifOifDrop, NftCaptures.TcpDportInSetAccept, NftCaptures.IifJump, NftCaptures.FibLocalCounterDrop,
            NftCaptures.IsolateReturn,
        ];
        var decoded = captured.Select(h => NftDecoder.Rule(Message(h))).ToList();

        Assert.All(decoded, d => Assert.Equal("np", d.Table));
        Assert.Equal(contents.Rules, decoded.Select(d => d.Rule));
        Assert.Equal("web 8080/tcp", decoded[0].Rule.Comment);
    }

    [Fact]
    public void Captured_chains_sets_and_elements_decode()
    {
        Assert.Equal(Capture1Contents().Chains,
            new[] { NftCaptures.ChainPrerouting, NftCaptures.ChainPostrouting, NftCaptures.ChainForward, NftCaptures.ChainIsolate }
                .Select(h => NftDecoder.Chain(Message(h)).Chain));
        var (table, set) = NftDecoder.Set(Message(NftCaptures.SetPorts));
        Assert.Equal("np", table);
        Assert.Equal(SetDataType.InetService, set.Key);
        Assert.Equal([SetElement.Port(80), SetElement.Port(443)], NftDecoder.SetElements(Message(NftCaptures.SetPortsElements)));
    }

    [Fact]
    public void Rules_read_like_nft_debug_output_so_drift_is_legible()
    {
        var rule = Capture1Contents().Rules[0];
        Assert.Equal(
            "prerouting: [ meta load l4proto => reg 1 ] [ cmp eq reg 1 0x06 ] [ payload load 2b @ transport header + 2 => reg 1 ] "
            + "[ cmp eq reg 1 0x1f90 ] [ immediate reg 1 0x0a000002 ] [ immediate reg 2 0x0050 ] [ nat dnat ip addr_min reg 1 proto_min reg 2 ] "
            + "comment \"web 8080/tcp\"",
            rule.ToString());
        Assert.Equal("forward: [ meta load iifname => reg 1 ] [ cmp eq reg 1 0x62722d61000000000000000000000000 ] [ immediate reg 0 jump -> isolate ]",
            Capture1Contents().Rules[9].ToString());
    }

    [Fact]
    public void Rule_comment_is_the_nft_userdata_tlv_and_bounded()
    {
        Assert.Equal([0, 4, (byte)'a', (byte)'b', (byte)'c', 0], CommentTlv.Encode("abc"));
        Assert.Equal("abc", CommentTlv.Decode([1, 2, 9, 9, 0, 4, (byte)'a', (byte)'b', (byte)'c', 0]));
        Assert.Null(CommentTlv.Decode([1, 2, 9, 9]));
        var error = Assert.Throws<ArgumentException>(() => CommentTlv.Encode(new string('x', 254)));
        Assert.Contains("at most 253", error.Message);
    }

    [Fact]
    public void Table_with_an_ownership_comment() =>
        Assert.Equal(NftCaptures.TableWithComment, Hex(NftMessages.NewTable(new Table("np3", Comment: "netplan:lab")), 1));

    [Fact]
    public void Bridge_family_table_and_its_forward_chain()
    {
        var bridge = new Table("npb", TableFamily.Bridge);
        Assert.Equal(NftCaptures.BridgeTable, Hex(NftMessages.NewTable(bridge), 2));
        Assert.Equal(NftCaptures.BridgeForwardChain, Hex(NftMessages.NewChain(bridge, Chain.Hooked("forward", ChainType.Filter, Hook.Forward, Priority.BridgeFilter)), 3));
        Assert.Equal(new Table("np3", Comment: "netplan:lab"), NftDecoder.Table(Message(NftCaptures.TableWithComment)));
    }

    [Fact]
    public void Interface_names_longer_than_15_bytes_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new RuleBuilder("forward").InputInterface("a-name-of-16-byt"));
        Assert.Contains("longer than 15 bytes", error.Message);
    }

    [Fact]
    public void Concatenated_key_type_and_length_follow_nft()
    {
        // nft: type ipv4_addr . inet_service => key type (7 << 6) | 13 = 461, key length 4 + 4.
        var concat = SetDataType.Concat(SetDataType.Ipv4Address, SetDataType.InetService);
        Assert.Equal(461u, concat.Id);
        Assert.Equal(8u, concat.Length);
        Assert.Equal("0a00000200500000", NftData.Concat(NftData.Address(Web), NftData.U16BigEndian(80)).ToString()[2..]);
    }

    [Fact]
    public void Big_sets_are_split_across_element_messages()
    {
        var elements = Enumerable.Range(1, 1200).Select(p => SetElement.Port((ushort)p)).ToList();
        var batch = new NftTransaction().AddSet(Np, new NftSet("many", SetDataType.InetService, elements)).ToBatch();
        Assert.Equal(2 + 1 + 3, batch.Count); // begin, NEWSET, 512 + 512 + 176 elements, end
        Assert.Equal(1200, batch.Skip(2).Take(3).Sum(m => NftDecoder.SetElements(Message(Hex(m, 1))).Count()));
    }

    /// <summary>Parses captured hex as a received message (the kernel's dump replies use the same layout).</summary>
    internal static NetlinkMessage Message(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        return new NetlinkMessage(
            BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)),
            BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(6)),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)),
            0,
            bytes.AsMemory(16));
    }
}
