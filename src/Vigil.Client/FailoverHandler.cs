namespace Vigil.Client;

/// <summary>
/// Sends each request to the cluster's current node; when that node cannot be reached at all (nothing was sent),
/// tries the next ones before giving up. Any other failure is the caller's to handle.
/// </summary>
internal sealed class FailoverHandler(ClusterNodes nodes, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            request.RequestUri = nodes.Route(request.RequestUri!);
            try
            {
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError && attempt < nodes.Count)
            {
                nodes.Failed(request.RequestUri);
            }
            catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError)
            {
                // Every node refused: leave the next call to start with the next node, and report this one.
                nodes.Failed(request.RequestUri);
                throw;
            }
        }
    }
}
