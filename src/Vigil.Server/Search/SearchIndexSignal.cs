namespace Vigil.Server.Search;

/// <summary>
/// Wakes the search indexer after a commit that changed messages, so it indexes now instead of at its next poll.
/// A separate object because the writer signals the indexer and the indexer hands its rows to the writer.
/// </summary>
public sealed class SearchIndexSignal : IDisposable
{
    private readonly SemaphoreSlim _work = new(0, 1);

    public void Notify()
    {
        if (_work.CurrentCount == 0)
        {
            try
            {
                _work.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled.
            }
        }
    }

    /// <summary>True when signalled within <paramref name="timeout"/>.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _work.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _work.Dispose();
}
