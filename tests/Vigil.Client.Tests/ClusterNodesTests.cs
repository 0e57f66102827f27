namespace Vigil.Client.Tests;

public sealed class ClusterNodesTests
{
    private static readonly Uri A = new("http://10.0.0.1:5080");
    private static readonly Uri B = new("http://10.0.0.2:5081");

    [Fact]
    public void Requests_and_the_hub_socket_are_routed_to_the_current_node_with_path_and_query_kept()
    {
        var nodes = new ClusterNodes([A, B]);

        Assert.Equal(new Uri("http://10.0.0.1:5080/api/v1/me?x=1"), nodes.Route(new Uri("http://10.0.0.1:5080/api/v1/me?x=1")));
        nodes.Failed(A);
        Assert.Equal(new Uri("http://10.0.0.2:5081/api/v1/me?x=1"), nodes.Route(new Uri("http://10.0.0.1:5080/api/v1/me?x=1")));
        Assert.Equal(new Uri("ws://10.0.0.2:5081/hubs/chat?id=abc"), nodes.Route(new Uri("ws://10.0.0.1:5080/hubs/chat?id=abc")));
    }

    [Fact]
    public void A_failed_node_is_left_once_however_many_callers_report_it_and_the_list_wraps_round()
    {
        var nodes = new ClusterNodes([A, B]);

        nodes.Failed(A);
        nodes.Failed(A);
        Assert.Equal(B, nodes.Current);
        nodes.Failed(B);
        Assert.Equal(A, nodes.Current);
    }

    [Fact]
    public void A_cluster_needs_at_least_one_node() =>
        Assert.Throws<ArgumentException>(() => new ClusterNodes([]));
}
