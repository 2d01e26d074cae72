namespace NetPlan.Core.Diagnostics;

/// <summary>
/// The catalogue of diagnostic codes. Codes are stable: users and tests key on them, so a code is
/// never reused for a different meaning. Ranges: NP01xx syntax, types and keys; NP02xx addresses and
/// subnets; NP03xx references; NP04xx drivers (overlay, VNI, parent, mode, MTU); NP05xx published
/// ports; NP06xx names; NP07xx nodes and SSH. docs/topology.md lists them for users.
/// </summary>
public static class Codes
{
    // NP01xx — syntax, types, keys
    /// <summary>The topology file cannot be read.</summary>
    public const string FileUnreadable = "NP0100";
    /// <summary>The text is not valid YAML.</summary>
    public const string YamlSyntax = "NP0101";
    /// <summary>A mapping holds the same key twice.</summary>
    public const string DuplicateKey = "NP0102";
    /// <summary>A key the format does not know (with a "did you mean" suggestion).</summary>
    public const string UnknownKey = "NP0103";
    /// <summary>A value has the wrong type (mapping, list, string, integer, boolean).</summary>
    public const string WrongType = "NP0104";
    /// <summary>A required key is missing.</summary>
    public const string MissingKey = "NP0105";
    /// <summary><c>version</c> is not 1.</summary>
    public const string UnsupportedVersion = "NP0106";
    /// <summary>A value is not one of the allowed words (driver, connection, service mode).</summary>
    public const string InvalidEnum = "NP0107";
    /// <summary>The file is empty, not a mapping at the top, or holds more than one YAML document.</summary>
    public const string DocumentStructure = "NP0108";
    /// <summary>A list holds the same item twice.</summary>
    public const string DuplicateItem = "NP0109";
    /// <summary>A section that must not be empty is empty (e.g. <c>nodes</c>).</summary>
    public const string EmptySection = "NP0110";

    // NP02xx — addresses and subnets
    /// <summary>Not an IPv4 address.</summary>
    public const string InvalidAddress = "NP0201";
    /// <summary>Not an IPv4 CIDR (address/prefix).</summary>
    public const string InvalidCidr = "NP0202";
    /// <summary>An address or range lies outside the network's subnet.</summary>
    public const string OutsideSubnet = "NP0203";
    /// <summary>A subnet or ip_range has host bits set (10.0.0.1/24 instead of 10.0.0.0/24).</summary>
    public const string HostBitsSet = "NP0204";
    /// <summary>An address is the subnet's network or broadcast address.</summary>
    public const string ReservedAddress = "NP0205";
    /// <summary>The same address is used twice in one network (gateway, aux, static).</summary>
    public const string DuplicateAddress = "NP0206";
    /// <summary>Two networks present on the same node have overlapping subnets.</summary>
    public const string SubnetOverlap = "NP0207";
    /// <summary>The subnet or ip_range has too few free addresses for the endpoints attached.</summary>
    public const string AddressesExhausted = "NP0208";
    /// <summary>The subnet has no usable host addresses (/31, /32).</summary>
    public const string SubnetTooSmall = "NP0209";
    /// <summary>Not a unicast MAC address written as six colon-separated hex octets.</summary>
    public const string InvalidMac = "NP0210";
    /// <summary>The same MAC address is used twice in one network.</summary>
    public const string DuplicateMac = "NP0211";

    // NP03xx — references
    /// <summary>A sandbox's <c>node</c> names no node.</summary>
    public const string UnknownNode = "NP0301";
    /// <summary>A sandbox endpoint names no network.</summary>
    public const string UnknownNetwork = "NP0302";
    /// <summary>A service's <c>network</c> names no network.</summary>
    public const string UnknownServiceNetwork = "NP0303";
    /// <summary>A service backend names no sandbox.</summary>
    public const string UnknownBackend = "NP0304";
    /// <summary>A network's <c>nodes</c> list names no node.</summary>
    public const string UnknownNetworkNode = "NP0305";
    /// <summary>A service backend is not attached to the service's network.</summary>
    public const string BackendNotOnNetwork = "NP0306";
    /// <summary>Warning: a sandbox is attached to no network.</summary>
    public const string SandboxWithoutNetworks = "NP0307";
    /// <summary>A sandbox attaches to a network whose explicit <c>nodes</c> list leaves out the sandbox's node.</summary>
    public const string NodeNotInNetwork = "NP0308";
    /// <summary>Warning: a network is present on no node (no <c>nodes</c> and no sandbox attached).</summary>
    public const string UnusedNetwork = "NP0309";

    // NP04xx — drivers: overlay, VNI, parent, mode, MTU, internal
    /// <summary>An overlay network is present on a node without an <c>address</c> (its VXLAN endpoint).</summary>
    public const string OverlayNeedsAddress = "NP0401";
    /// <summary>A VNI outside 1..16777215.</summary>
    public const string VniOutOfRange = "NP0402";
    /// <summary>Two networks use the same VNI.</summary>
    public const string DuplicateVni = "NP0403";
    /// <summary>A macvlan or ipvlan network without <c>parent</c>.</summary>
    public const string ParentRequired = "NP0404";
    /// <summary>A <c>mode</c> the driver does not have.</summary>
    public const string InvalidMode = "NP0405";
    /// <summary>A key that does not apply to the network's driver (vni on bridge, parent on overlay, ...).</summary>
    public const string KeyNotForDriver = "NP0406";
    /// <summary>Not a valid Linux interface name (1-15 bytes, no '/', ':', whitespace; not '.' or '..').</summary>
    public const string InvalidInterfaceName = "NP0407";
    /// <summary>Two endpoints of one sandbox have the same interface name.</summary>
    public const string DuplicateInterfaceName = "NP0408";
    /// <summary>An MTU outside 68..65535.</summary>
    public const string MtuOutOfRange = "NP0409";
    /// <summary><c>masquerade: true</c> on an internal network (internal networks never reach outside).</summary>
    public const string MasqueradeOnInternal = "NP0410";

    // NP05xx — published ports
    /// <summary>A port mapping that does not follow <c>[host_ip:]host_port[-end]:port[-end][/protocol]</c>.</summary>
    public const string InvalidPortSpec = "NP0501";
    /// <summary>A port outside 1..65535.</summary>
    public const string PortOutOfRange = "NP0502";
    /// <summary>A port range whose end is below its start.</summary>
    public const string PortRangeReversed = "NP0503";
    /// <summary>Host and target ranges of different lengths.</summary>
    public const string PortRangeLengths = "NP0504";
    /// <summary>The same host_ip:port/protocol is published twice on one node (0.0.0.0 overlaps every address).</summary>
    public const string DuplicatePublishedPort = "NP0505";
    /// <summary>Ports published by a sandbox (or service) that has no non-internal bridge or overlay network.</summary>
    public const string PortsOnInternal = "NP0506";
    /// <summary>A protocol other than tcp, udp, sctp.</summary>
    public const string InvalidProtocol = "NP0507";

    // NP06xx — names
    /// <summary>A topology, node, network, sandbox or service name that is not a lowercase DNS label of 1-32 characters.</summary>
    public const string InvalidName = "NP0601";
    /// <summary>A hostname that is not a DNS label (1-63 letters, digits, hyphens).</summary>
    public const string InvalidHostname = "NP0602";
    /// <summary>An alias or dns_search domain that is not a DNS name.</summary>
    public const string InvalidDnsName = "NP0603";
    /// <summary>Two sandboxes on one network answer to the same name (sandbox name or alias).</summary>
    public const string DuplicateNameOnNetwork = "NP0604";

    // NP07xx — nodes and SSH
    /// <summary>A node <c>address</c> that is not an IP address.</summary>
    public const string InvalidNodeAddress = "NP0701";
    /// <summary>An SSH host that is not a plain host name or IP address.</summary>
    public const string InvalidSshHost = "NP0702";
    /// <summary>An SSH user that is not a plain user name.</summary>
    public const string InvalidSshUser = "NP0703";
    /// <summary>An SSH port outside 1..65535.</summary>
    public const string InvalidSshPort = "NP0704";
    /// <summary>An SSH node with neither <c>address</c> nor <c>ssh.host</c>.</summary>
    public const string SshHostMissing = "NP0705";
    /// <summary>Warning: <c>ssh</c> settings on a <c>connection: local</c> node are ignored.</summary>
    public const string SshOnLocalNode = "NP0706";
    /// <summary>A path that is empty, holds control characters, or uses <c>~user</c>.</summary>
    public const string InvalidPath = "NP0707";
    /// <summary>More than one node with <c>connection: local</c>.</summary>
    public const string MultipleLocalNodes = "NP0708";
    /// <summary>Two nodes with the same address.</summary>
    public const string DuplicateNodeAddress = "NP0709";

    /// <summary>Every code with its one-line meaning, in code order (for docs and tests).</summary>
    public static IReadOnlyList<(string Code, string Name)> All { get; } = typeof(Codes)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => ((string)f.GetRawConstantValue()!, f.Name))
        .OrderBy(p => p.Item1, StringComparer.Ordinal)
        .ToList();
}
