using Microsoft.EntityFrameworkCore;
using Vigil.Server.Data;

namespace Vigil.Server.Search;

/// <summary>
/// The postings as rows of <c>SearchTerms</c>, keyed (term, message): PostgreSQL's index. A posting lands at a random
/// place of the term-ordered key, which SQLite pays for with a page written per posting (hence
/// <see cref="Fts5SearchPostings"/> there).
/// </summary>
internal sealed class TableSearchPostings : ISearchPostings
{
    // Postings counted per word to find the rarest; beyond this a word is simply common.
    private const int RarityProbe = 5000;

    public async Task ReplaceAsync(VigilDbContext db, IReadOnlyCollection<Guid> changed, IReadOnlyList<SearchTerm> rows, CancellationToken cancellationToken)
    {
        if (changed.Count == 0)
        {
            return;
        }

        await db.SearchTerms.Where(t => changed.Contains(t.MessageId)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        // In index order: a message's words land all over the term-ordered index, so rows inserted message by message
        // visit each leaf page many times, and a page evicted in between is read (and spilled) again.
        var ordered = rows.ToList();
        ordered.Sort(SearchTerm.IndexOrder);
        await DirectInsert.InsertAsync(db, ordered, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The postings of the rarest word, newest first (UUIDv7 ids rise with time), each kept when every other word's
    /// posting for the same message exists. Walking the rarest word keeps a query with a common word ("the") as fast
    /// as one without it.
    /// </summary>
    public async Task<List<Guid>> CandidatesAsync(VigilDbContext db, IReadOnlyList<Guid> readable, IReadOnlyList<IReadOnlyList<long>> termsByWord, int limit,
        CancellationToken cancellationToken)
    {
        var words = termsByWord.Select(t => t.ToList()).ToList();
        var readableIds = readable.ToList();
        var ordered = words;
        if (words.Count > 1)
        {
            var counts = new Dictionary<List<long>, int>();
            foreach (var terms in words)
            {
                counts[terms] = await db.SearchTerms.Where(t => terms.Contains(t.Term)).Take(RarityProbe).CountAsync(cancellationToken).ConfigureAwait(false);
            }

            ordered = [.. words.OrderBy(t => counts[t])];
        }

        var rarest = ordered[0];
        var query = db.SearchTerms.Where(t => rarest.Contains(t.Term) && readableIds.Contains(t.ConversationId));
        foreach (var terms in ordered.Skip(1))
        {
            query = query.Where(t => db.SearchTerms.Any(other => terms.Contains(other.Term) && other.MessageId == t.MessageId));
        }

        return await query.OrderByDescending(t => t.MessageId).Select(t => t.MessageId).Take(limit)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task RemoveConversationsAsync(VigilDbContext db, IReadOnlyCollection<Guid> conversationIds, CancellationToken cancellationToken)
    {
        var ids = conversationIds.ToList();
        await db.SearchTerms.Where(t => db.Messages.Where(m => ids.Contains(m.ConversationId)).Select(m => m.Id).Contains(t.MessageId))
            .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> HoldsAsync(VigilDbContext db, Guid messageId, CancellationToken cancellationToken) =>
        db.SearchTerms.AnyAsync(t => t.MessageId == messageId, cancellationToken);

    public async Task<Dictionary<long, int>> TermCountsAsync(VigilDbContext db, CancellationToken cancellationToken) =>
        await db.SearchTerms.GroupBy(t => t.Term).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken).ConfigureAwait(false);

    public async Task<int> ClearAsync(VigilDbContext db, CancellationToken cancellationToken)
    {
        var messages = await db.SearchTerms.Select(t => t.MessageId).Distinct().CountAsync(cancellationToken).ConfigureAwait(false);
        await db.SearchTerms.ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        return messages;
    }
}
