using Microsoft.EntityFrameworkCore;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Server.Keys;
using Vigil.Server.Ledger;
using Vigil.Server.Messaging;
using Vigil.Server.Problems;
using Vigil.Server.Signatures;

namespace Vigil.Server.Search;

/// <summary>
/// Finds the caller's messages that contain every word of a query, newest first, in the conversations the caller is
/// a member of and in no other: the query's words are hashed with each of those conversations' index keys, so a
/// conversation the caller cannot read is never even asked. Hits are decrypted and checked against the current text
/// before they are returned; reads of patient conversations are recorded in the ledger as any other read.
/// </summary>
public sealed class MessageSearch(VigilDbContext db, DataKeyStore dataKeys, MessageQueries messages, LedgerRecorder ledger)
{
    public const int MaximumWords = 8;
    public const int MaximumQueryLength = 200;
    public const int DefaultLimit = 20;
    public const int MaximumLimit = 100;

    // Newest matches looked at before the text check; a query matching more than this finds the newest of them.
    private const int Candidates = 500;

    public async Task<IReadOnlyList<MessageDto>> SearchAsync(Guid userId, string? query, int? limit, CancellationToken cancellationToken)
    {
        var words = Validate(query, limit);
        var size = limit ?? DefaultLimit;
        var conversations = await db.ConversationMembers.AsNoTracking().Where(m => m.UserId == userId)
            .Join(db.Conversations.AsNoTracking(), m => m.ConversationId, c => c.Id, (_, c) => c)
            .ToListAsync(cancellationToken).ConfigureAwait(false);

        var keys = new Dictionary<Guid, byte[]>();
        var termsOf = words.ToDictionary(word => word, _ => new HashSet<long>(), StringComparer.Ordinal);
        foreach (var conversation in conversations)
        {
            // Erased content has no key, and nothing to find.
            if (await dataKeys.GetAsync(db, DataKeyStore.SubjectOf(conversation), cancellationToken).ConfigureAwait(false) is not { } key)
            {
                continue;
            }

            keys[conversation.Id] = key;
            var indexKey = SearchIndex.KeyFrom(key);
            foreach (var word in words)
            {
                termsOf[word].Add(SearchIndex.Term(indexKey, word));
            }
        }

        if (keys.Count == 0)
        {
            return [];
        }

        var candidates = await SearchPostings.For(db).CandidatesAsync(db, [.. keys.Keys], [.. termsOf.Values.Select(t => (IReadOnlyList<long>)[.. t])],
            Candidates, cancellationToken).ConfigureAwait(false);
        var found = await db.Messages.AsNoTracking().Include(m => m.Attachments)
            .Where(m => candidates.Contains(m.Id) && m.DeletedAt == null)
            .ToListAsync(cancellationToken).ConfigureAwait(false);

        var results = new List<(Message Message, string Body)>();
        foreach (var message in found.OrderByDescending(m => m.SentAt).ThenByDescending(m => m.Id))
        {
            var body = ContentCipher.Decrypt(keys[message.ConversationId], message.Id, message.Body);
            // A hash may collide, so the decrypted text has the last word.
            if (!words.Except(SearchIndex.Words(body)).Any())
            {
                results.Add((message, body));
                if (results.Count == size)
                {
                    break;
                }
            }
        }

        var patientConversations = conversations.Where(c => c.Kind == ConversationKinds.Patient).Select(c => c.Id).ToHashSet();
        foreach (var group in results.Where(r => patientConversations.Contains(r.Message.ConversationId)).GroupBy(r => r.Message.ConversationId))
        {
            await ledger.RecordPatientReadAsync(userId, group.Key,
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"search results count={group.Count()}"), cancellationToken).ConfigureAwait(false);
        }

        var signatures = await messages.SignaturesOfAsync([.. results.Select(r => r.Message.Id)], cancellationToken).ConfigureAwait(false);
        return [.. results.Select(r => r.Message.ToDto(r.Body) with
        {
            Signatures = signatures[r.Message.Id].Select(s => s.ToDto(r.Message.Version)).ToList(),
        })];
    }

    private static List<string> Validate(string? query, int? limit)
    {
        if (string.IsNullOrWhiteSpace(query) || query.Length > MaximumQueryLength)
        {
            throw ProblemException.Validation($"q must hold 1 to {MaximumQueryLength} characters.");
        }

        if (limit is < 1 or > MaximumLimit)
        {
            throw ProblemException.Validation($"limit must be between 1 and {MaximumLimit}.");
        }

        var words = SearchIndex.Words(query);
        if (words.Count == 0)
        {
            throw ProblemException.Validation($"q must hold a word of at least {SearchIndex.MinimumWordLength} letters or digits.");
        }

        return words.Count <= MaximumWords ? words
            : throw ProblemException.Validation($"q may hold at most {MaximumWords} words.");
    }
}
