using NetPlan.Kernel.Netlink;

namespace NetPlan.Kernel.Nftables.Expressions;

public enum NatType : uint { Snat = 0, Dnat = 1 }

/// <summary>NF_NAT_RANGE_* flags a rule may ask for beyond what its registers imply.</summary>
[Flags]
public enum NatFlags : uint
{
    None = 0,
    MapIps = 1,
    ProtoSpecified = 2,
    ProtoRandom = 4,
    Persistent = 8,
    ProtoRandomFully = 16,
}

/// <summary>
/// <c>nat dnat|snat ip addr_min reg A proto_min reg P ...</c>: rewrite to the address and port
/// held in registers (loaded by <see cref="Immediate"/> just before). <see cref="Family"/> is the
/// address family of the target (2 = IPv4, 10 = IPv6), needed in an inet table.
/// </summary>
/// <remarks>
/// The kernel implies MAP_IPS from an address register and PROTO_SPECIFIED from a port register
/// (and reports them back), so those two are not part of <see cref="Flags"/>: they are written when
/// the registers are, and dropped when read, which keeps written and read-back rules equal.
/// </remarks>
public sealed record Nat(
    NatType Type,
    byte Family,
    Register? AddressMin = null,
    Register? AddressMax = null,
    Register? ProtoMin = null,
    Register? ProtoMax = null,
    NatFlags Flags = NatFlags.None) : Expression
{
    public override string Kind => "nat";

    public override string ToString() =>
        $"nat {Type.ToString().ToLowerInvariant()} {(Family == 10 ? "ip6" : "ip")}"
        + (AddressMin is { } a ? $" addr_min {Reg.Name(a)}" : "") + (AddressMax is { } b ? $" addr_max {Reg.Name(b)}" : "")
        + (ProtoMin is { } p ? $" proto_min {Reg.Name(p)}" : "") + (ProtoMax is { } q ? $" proto_max {Reg.Name(q)}" : "")
        + (Flags == NatFlags.None ? "" : $" flags {Flags}");

    internal override void EncodeData(MessageWriter writer, EncodingContext context)
    {
        writer.U32BigEndian(Nft.Nat.TYPE, (uint)Type).U32BigEndian(Nft.Nat.FAMILY, Family);
        if (AddressMin is { } amin) writer.U32BigEndian(Nft.Nat.REG_ADDR_MIN, (uint)amin);
        if (AddressMax is { } amax) writer.U32BigEndian(Nft.Nat.REG_ADDR_MAX, (uint)amax);
        if (ProtoMin is { } pmin) writer.U32BigEndian(Nft.Nat.REG_PROTO_MIN, (uint)pmin);
        if (ProtoMax is { } pmax) writer.U32BigEndian(Nft.Nat.REG_PROTO_MAX, (uint)pmax);
        var flags = Flags | (ProtoMin is null ? NatFlags.None : NatFlags.ProtoSpecified);
        if (flags != NatFlags.None) writer.U32BigEndian(Nft.Nat.FLAGS, (uint)flags);
    }

    internal static Nat Decode(Dictionary<ushort, ReadOnlyMemory<byte>> a)
    {
        Register? Reg(ushort type) => a.TryGetValue(type, out var v) ? (Register)AttributeValue.U32BigEndian(v) : null;
        var amin = Reg(Nft.Nat.REG_ADDR_MIN);
        var pmin = Reg(Nft.Nat.REG_PROTO_MIN);
        // The kernel fills a missing max register with the min one; a max equal to min says nothing more.
        var amax = Reg(Nft.Nat.REG_ADDR_MAX) is { } x && x != amin ? x : (Register?)null;
        var pmax = Reg(Nft.Nat.REG_PROTO_MAX) is { } y && y != pmin ? y : (Register?)null;
        var flags = a.TryGetValue(Nft.Nat.FLAGS, out var f) ? (NatFlags)AttributeValue.U32BigEndian(f) : NatFlags.None;
        if (amin is not null) flags &= ~NatFlags.MapIps;
        if (pmin is not null) flags &= ~NatFlags.ProtoSpecified;
        return new((NatType)AttributeValue.U32BigEndian(a[Nft.Nat.TYPE]), (byte)AttributeValue.U32BigEndian(a[Nft.Nat.FAMILY]), amin, amax, pmin, pmax, flags);
    }
}
