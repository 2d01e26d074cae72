namespace NetPlan.Kernel.Nftables;

/// <summary>NF_INET_* hook numbers.</summary>
public enum Hook : uint { Prerouting = 0, Input = 1, Forward = 2, Output = 3, Postrouting = 4 }

public enum ChainType { Filter, Nat, Route }

/// <summary>Well-known hook priorities (nft's names): lower runs first.</summary>
public static class Priority
{
    public const int Raw = -300, Mangle = -150, DstNat = -100, Filter = 0, Security = 50, SrcNat = 100;

    /// <summary>In a bridge-family table nft's "filter" means -200.</summary>
    public const int BridgeFilter = -200;
}

/// <summary>What makes a chain a base chain: where it hooks in, at which priority, with which policy.</summary>
public sealed record BaseChain(ChainType Type, Hook Hook, int Priority, Verdict? Policy = null)
{
    /// <summary>The policy, accept unless said otherwise (the kernel's default).</summary>
    public Verdict EffectivePolicy => Policy ?? Verdict.Accept;

    public bool Equals(BaseChain? other) =>
        other is not null && Type == other.Type && Hook == other.Hook && Priority == other.Priority && EffectivePolicy == other.EffectivePolicy;
    public override int GetHashCode() => HashCode.Combine(Type, Hook, Priority, EffectivePolicy);
}

/// <summary>A chain of a table: a base chain when <see cref="Base"/> is set, else a regular chain reached by jump/goto.</summary>
public sealed record Chain(string Name, BaseChain? Base = null)
{
    public static Chain Regular(string name) => new(name);

    public static Chain Hooked(string name, ChainType type, Hook hook, int priority, Verdict? policy = null) =>
        new(name, new BaseChain(type, hook, priority, policy));

    public override string ToString() => Base is null
        ? $"chain {Name}"
        : $"chain {Name} {{ type {Base.Type.ToString().ToLowerInvariant()} hook {Base.Hook.ToString().ToLowerInvariant()} priority {Base.Priority}; policy {Base.EffectivePolicy}; }}";
}
