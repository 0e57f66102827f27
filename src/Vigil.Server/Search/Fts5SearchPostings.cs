using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Vigil.Server.Data;

namespace Vigil.Server.Search;

/// <summary>
/// SQLite's postings: a contentless FTS5 table (<c>SearchPostings</c>, no positions, deletable) whose documents are a
/// message's term hashes written as 16-digit hex tokens, and <c>SearchDocuments</c>, which maps each document to its
/// message and conversation. FTS5 buffers a transaction's postings and writes them as a new segment, merging segments
/// in the background of later writes, so a message's dozen postings cost a few sequential pages per chunk instead of
/// a dozen random leaf pages of a term-ordered table. With the writer alone at 1,000 msg/s that table was 60% of the
/// bytes written and read per message (README, "Performance").
/// </summary>
internal sealed class Fts5SearchPostings : ISearchPostings
{
    public async Task ReplaceAsync(VigilDbContext db, IReadOnlyCollection<Guid> changed, IReadOnlyList<SearchTerm> rows, CancellationToken cancellationToken)
    {
        if (changed.Count == 0)
        {
            return;
        }

        await UsingConnectionAsync(db, async (connection, transaction) =>
        {
            await RemoveAsync(connection, transaction, changed, cancellationToken).ConfigureAwait(false);
            await using var document = Command(connection, transaction,
                """INSERT INTO "SearchDocuments" ("MessageId", "ConversationId") VALUES ($message, $conversation) RETURNING "DocId" """,
                "$message", "$conversation");
            await using var posting = Command(connection, transaction, """INSERT INTO "SearchPostings" (rowid, "Terms") VALUES ($doc, $terms)""", "$doc", "$terms");
            var terms = new StringBuilder();
            foreach (var message in rows.GroupBy(r => r.MessageId))
            {
                document.Parameters[0].Value = Text(message.Key);
                document.Parameters[1].Value = Text(message.First().ConversationId);
                var doc = (long)(await document.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                terms.Clear();
                foreach (var row in message)
                {
                    terms.Append(Token(row.Term)).Append(' ');
                }

                posting.Parameters[0].Value = doc;
                posting.Parameters[1].Value = terms.ToString();
                await posting.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One FTS5 query (every word, each as any of its hashes), newest document first, joined to the
    /// conversations the caller may read.</summary>
    public Task<List<Guid>> CandidatesAsync(VigilDbContext db, IReadOnlyList<Guid> readable, IReadOnlyList<IReadOnlyList<long>> termsByWord, int limit,
        CancellationToken cancellationToken) =>
        UsingConnectionAsync(db, async (connection, transaction) =>
        {
            var match = string.Join(" AND ", termsByWord.Select(terms => "(" + string.Join(" OR ", terms.Distinct().Select(t => $"\"{Token(t)}\"")) + ")"));
            await using var query = Command(connection, transaction,
                """
                SELECT d."MessageId" FROM "SearchPostings"($match) AS p
                JOIN "SearchDocuments" AS d ON d."DocId" = p.rowid
                WHERE d."ConversationId" IN (SELECT value FROM json_each($readable))
                ORDER BY p.rowid DESC LIMIT $limit
                """, "$match", "$readable", "$limit");
            query.Parameters[0].Value = match;
            query.Parameters[1].Value = JsonSerializer.Serialize(readable.Select(Text));
            query.Parameters[2].Value = limit;
            var found = new List<Guid>();
            await using var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                found.Add(Guid.Parse(reader.GetString(0), CultureInfo.InvariantCulture));
            }

            return found;
        }, cancellationToken);

    public async Task RemoveConversationsAsync(VigilDbContext db, IReadOnlyCollection<Guid> conversationIds, CancellationToken cancellationToken)
    {
        var ids = conversationIds.ToList();
        var messages = await db.Messages.Where(m => ids.Contains(m.ConversationId)).Select(m => m.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        await UsingConnectionAsync(db, async (connection, transaction) =>
        {
            await RemoveAsync(connection, transaction, messages, cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> HoldsAsync(VigilDbContext db, Guid messageId, CancellationToken cancellationToken) =>
        UsingConnectionAsync(db, async (connection, transaction) =>
        {
            await using var query = Command(connection, transaction, """SELECT EXISTS (SELECT 1 FROM "SearchDocuments" WHERE "MessageId" = $message)""", "$message");
            query.Parameters[0].Value = Text(messageId);
            return (long)(await query.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 1;
        }, cancellationToken);

    public Task<Dictionary<long, int>> TermCountsAsync(VigilDbContext db, CancellationToken cancellationToken) =>
        UsingConnectionAsync(db, async (connection, transaction) =>
        {
            // fts5vocab's "row" table: one row per token with the number of documents holding it.
            await using var query = Command(connection, transaction, """SELECT "term", "doc" FROM "SearchVocabulary" """);
            var counts = new Dictionary<long, int>();
            await using var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                counts[long.Parse(reader.GetString(0), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)] = reader.GetInt32(1);
            }

            return counts;
        }, cancellationToken);

    public Task<int> ClearAsync(VigilDbContext db, CancellationToken cancellationToken) =>
        UsingConnectionAsync(db, async (connection, transaction) =>
        {
            await using var clear = Command(connection, transaction, """INSERT INTO "SearchPostings" ("SearchPostings") VALUES ('delete-all')""");
            await clear.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await using var documents = Command(connection, transaction, """DELETE FROM "SearchDocuments" """);
            return await documents.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>The token of a term: its 64 bits as 16 hex digits (FTS5's ASCII tokenizer keeps them one token).</summary>
    internal static string Token(long term) => term.ToString("x16", CultureInfo.InvariantCulture);

    private static async Task RemoveAsync(SqliteConnection connection, SqliteTransaction? transaction, IReadOnlyCollection<Guid> messages,
        CancellationToken cancellationToken)
    {
        await using var find = Command(connection, transaction, """SELECT "DocId" FROM "SearchDocuments" WHERE "MessageId" = $message""", "$message");
        var documents = new List<long>();
        foreach (var message in messages)
        {
            find.Parameters[0].Value = Text(message);
            await using var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                documents.Add(reader.GetInt64(0));
            }
        }

        if (documents.Count == 0)
        {
            return;
        }

        await using var posting = Command(connection, transaction, """DELETE FROM "SearchPostings" WHERE rowid = $doc""", "$doc");
        await using var document = Command(connection, transaction, """DELETE FROM "SearchDocuments" WHERE "DocId" = $doc""", "$doc");
        foreach (var doc in documents)
        {
            posting.Parameters[0].Value = doc;
            await posting.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            document.Parameters[0].Value = doc;
            await document.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A GUID as EF Core's SQLite provider stores one: upper-case text.</summary>
    private static string Text(Guid id) => id.ToString("D", CultureInfo.InvariantCulture).ToUpperInvariant();

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private static Task<T> UsingConnectionAsync<T>(VigilDbContext db, Func<SqliteConnection, SqliteTransaction?, Task<T>> action, CancellationToken cancellationToken) =>
        SearchPostings.OnConnectionAsync(db, (connection, transaction) => action((SqliteConnection)connection, (SqliteTransaction?)transaction), cancellationToken);
}
