namespace Vigil.Server.Search;

/// <summary>How far the search indexer has read the ledger: every message change up to <see cref="LedgerSequence"/> is indexed.</summary>
public sealed class SearchCursor
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    public long LedgerSequence { get; set; }
}
