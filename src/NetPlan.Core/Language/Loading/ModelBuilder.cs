using System.Net;

namespace NetPlan.Core.Language.Loading;

/// <summary>
/// Builds the validated <see cref="Topology"/> from drafts that passed every rule, applying the
/// documented defaults (gateway, ip_range, masquerade, icc, driver, mode, interface names,
/// hostname, ssh merge, path resolution).
/// </summary>
internal sealed class ModelBuilder(TopologyDraft t, string file, string baseDirectory, string? home)
{
    public Topology Build() => new(
        t.Name!.Value.Value,
        (int)t.Version!.Value.Value,
        t.Nodes.Select(Node).ToList(),
        t.Networks.Select(Network).ToList(),
        t.Sandboxes.Select(Sandbox).ToList(),
        t.Services.Select(Service).ToList(),
        file);

    Node Node(NodeDraft n)
    {
        var own = n.Ssh ?? new SshDraft();
        var defaults = t.DefaultSsh ?? new SshDraft();
        var ssh = new SshSettings(
            Host: own.Host?.Value ?? n.Address?.Value.ToString(),
            User: (own.User ?? defaults.User)?.Value,
            Port: (int?)(own.Port ?? defaults.Port)?.Value,
            IdentityFile: ResolvePath((own.IdentityFile ?? defaults.IdentityFile)?.Value),
            KnownHostsFile: ResolvePath((own.KnownHostsFile ?? defaults.KnownHostsFile)?.Value),
            ConfigFile: ResolvePath((own.ConfigFile ?? defaults.ConfigFile)?.Value),
            Sudo: (own.Sudo ?? defaults.Sudo)?.Value ?? false);
        return new Node(n.Name, n.Address?.Value, n.EffectiveConnection, ssh, n.At);
    }

    /// <summary><c>~</c> is the user's home; relative paths are relative to the topology file's directory.</summary>
    string? ResolvePath(string? path)
    {
        if (path is null) return null;
        if (home is not null && (path == "~" || path.StartsWith("~/", StringComparison.Ordinal)))
            return Path.GetFullPath(Path.Join(home, path[1..].TrimStart('/')));
        return Path.GetFullPath(path, baseDirectory);
    }

    Network Network(NetworkDraft n)
    {
        var subnet = n.Subnet!.Value.Value;
        var driver = n.EffectiveDriver;
        return new Network(
            n.Name,
            driver,
            subnet,
            n.Gateway?.Value ?? Ipv4.FirstHost(subnet),
            n.IpRange?.Value ?? subnet,
            n.Aux.ToDictionary(a => a.Name, a => a.Address.Value),
            n.IsInternal,
            n.Masquerade?.Value ?? !n.IsInternal,
            n.Icc?.Value ?? true,
            (int?)n.Mtu?.Value,
            n.Nodes?.Select(x => x.Value).ToList(),
            (int?)n.Vni?.Value,
            n.Parent?.Value,
            n.Mode?.Value ?? Validator.ModesOf(driver).FirstOrDefault(),
            n.At);
    }

    Sandbox Sandbox(SandboxDraft s) => new(
        s.Name,
        s.Node!.Value.Value,
        s.Hostname?.Value ?? s.Name,
        s.Endpoints.Select((e, i) => new Endpoint(
            e.Network.Value,
            e.InterfaceName?.Value ?? Validator.DefaultInterfaceName(i),
            e.Ipv4Address?.Value,
            e.Aliases.Select(a => a.Value).ToList(),
            e.MacAddress?.Value,
            e.Network.At)).ToList(),
        s.Ports,
        s.Dns,
        s.DnsSearch,
        s.At);

    Service Service(ServiceDraft s) => new(
        s.Name,
        s.Network!.Value.Value,
        s.Backends.Select(b => b.Value).ToList(),
        s.Ports,
        s.Mode?.Value ?? ServiceMode.Ingress,
        s.At);
}
