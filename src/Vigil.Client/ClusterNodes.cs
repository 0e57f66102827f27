namespace Vigil.Client;

/// <summary>
/// The nodes of a Vigil cluster and the one this client is using. A node that refuses connections is left for the
/// next one in the list (round robin), for REST calls and for the hub alike; requests already sent are never
/// replayed elsewhere by this class (sends are retried by the SDK with their client message id, so they stay
/// idempotent).
/// </summary>
internal sealed class ClusterNodes
{
    private readonly Uri[] _nodes;
    private int _current;

    public ClusterNodes(IReadOnlyList<Uri> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        if (nodes.Count == 0)
        {
            throw new ArgumentException("At least one node address is needed.", nameof(nodes));
        }

        _nodes = [.. nodes];
    }

    public int Count => _nodes.Length;

    public Uri Current => _nodes[Volatile.Read(ref _current) % _nodes.Length];

    /// <summary>Moves on from <paramref name="failed"/>, unless another caller already has.</summary>
    public void Failed(Uri failed)
    {
        var index = Volatile.Read(ref _current);
        if (SameNode(_nodes[index % _nodes.Length], failed))
        {
            Interlocked.CompareExchange(ref _current, (index + 1) % _nodes.Length, index);
        }
    }

    /// <summary>The same path and query on the current node (http(s) or ws(s), as the address was).</summary>
    public Uri Route(Uri address)
    {
        var node = Current;
        var secure = node.Scheme == Uri.UriSchemeHttps;
        var scheme = address.Scheme is "ws" or "wss" ? (secure ? "wss" : "ws") : node.Scheme;
        return new UriBuilder(address) { Scheme = scheme, Host = node.Host, Port = node.Port }.Uri;
    }

    private static bool SameNode(Uri node, Uri address) =>
        string.Equals(node.Host, address.Host, StringComparison.OrdinalIgnoreCase) && node.Port == address.Port;
}
