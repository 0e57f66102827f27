using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Server.Ledger;
using Vigil.Server.Messaging;
using Vigil.Testing;

namespace Vigil.Server.Tests.Data;

/// <summary>The send path's insert bypasses EF's change tracking; what it stores must be what EF would store.</summary>
public sealed class DirectInsertTests : IAsyncLifetime
{
    private readonly VigilServerFactory _factory = new();
    private Guid _conversationId;
    private Guid _senderId;

    public async Task InitializeAsync()
    {
        var (alice, aliceUser) = await _factory.UserAsync("alice");
        using (alice)
        {
            var (bob, bobUser) = await _factory.UserAsync("bob");
            bob.Dispose();
            _conversationId = (await alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Group, [bobUser.Id], "Rows"))).Id;
            _senderId = aliceUser.Id;
        }
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Rows_inserted_together_read_back_with_every_column_as_written()
    {
        var sentAt = new DateTimeOffset(2026, 3, 29, 1, 30, 0, TimeSpan.FromHours(2));
        Message Row(long sequence, Action<Message>? vary = null)
        {
            var message = new Message
            {
                Id = Guid.NewGuid(),
                ConversationId = _conversationId,
                Sequence = 1000 + sequence,
                SenderId = _senderId,
                ClientMessageId = $"direct-{sequence}",
                Body = $"ciphertext {sequence}",
                SentAt = sentAt.AddSeconds(sequence),
            };
            vary?.Invoke(message);
            return message;
        }

        // Nulls and values alternate across rows, so a value left over from the previous row would show.
        var first = Row(1, m => { m.Mentions = [_senderId]; m.Automated = true; });
        var rows = new List<Message>
        {
            first,
            Row(2),
            Row(3, m => { m.ReplyToId = first.Id; m.EditedAt = sentAt; m.EditedBy = _senderId; m.EditReason = "typo"; m.Version = 2; }),
            Row(4, m => m.Mentions = [Guid.NewGuid(), Guid.NewGuid()]),
        };

        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await DirectInsert.InsertAsync(db, rows, CancellationToken.None);
            await transaction.CommitAsync();
        }

        await using var read = _factory.Services.CreateAsyncScope();
        var stored = await read.ServiceProvider.GetRequiredService<VigilDbContext>().Messages.AsNoTracking()
            .Where(m => m.ClientMessageId.StartsWith("direct-")).OrderBy(m => m.Sequence).ToListAsync();
        Assert.Equal(rows.Count, stored.Count);
        Assert.Equal(rows.Select(Columns), stored.Select(Columns));
    }

    [Fact]
    public async Task Every_column_is_stored_as_ef_stores_it()
    {
        var sentAt = new DateTimeOffset(2026, 10, 25, 0, 59, 59, 999, TimeSpan.FromHours(1)).AddTicks(1234);
        var bare = new Message
        {
            Id = Guid.NewGuid(),
            ConversationId = _conversationId,
            Sequence = 5000,
            SenderId = _senderId,
            ClientMessageId = "same-Ünïcode-✓",
            Body = "",
            SentAt = sentAt,
        };
        var full = new Message
        {
            Id = Guid.NewGuid(),
            ConversationId = _conversationId,
            Sequence = long.MaxValue,
            SenderId = _senderId,
            ClientMessageId = "full",
            Body = new string('x', 5000) + "😀",
            Automated = true,
            SentAt = sentAt,
            Version = int.MaxValue,
            EditedAt = DateTimeOffset.MaxValue,
            EditedBy = Guid.Empty,
            EditReason = "reason",
            Mentions = [_senderId, Guid.Empty],
        };
        var entry = new LedgerEntry
        {
            Sequence = 9_000_000,
            RecordedAt = sentAt,
            ActorId = _senderId,
            Action = "message.created",
            Target = "message/x/1",
            Commitment = "abc",
            LeafHash = "00ff",
        };
        var key = new CommitmentKey { SubjectId = Guid.NewGuid(), Key = [0, 1, 2, 255], CreatedAt = sentAt };

        Assert.Equal(await StoredAsync(bare, "Id", bare.Id, direct: false), await StoredAsync(bare, "Id", bare.Id, direct: true));
        Assert.Equal(await StoredAsync(full, "Id", full.Id, direct: false), await StoredAsync(full, "Id", full.Id, direct: true));
        Assert.Equal(await StoredAsync(entry, "Sequence", entry.Sequence, direct: false), await StoredAsync(entry, "Sequence", entry.Sequence, direct: true));
        Assert.Equal(await StoredAsync(key, "SubjectId", key.SubjectId, direct: false), await StoredAsync(key, "SubjectId", key.SubjectId, direct: true));
    }

    [Fact]
    public async Task The_send_paths_rows_bind_by_position_on_sqlite()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        // Every row of a send (message, ledger entry) takes the positional path on SQLite; on
        // PostgreSQL no column does (rows go in one batch per round trip there).
        var sqlite = db.Database.IsSqlite();
        foreach (var unbound in new[] { DirectInsert.UnboundColumns<Message>(db), DirectInsert.UnboundColumns<LedgerEntry>(db) })
        {
            if (sqlite)
            {
                Assert.Empty(unbound);
            }
            else
            {
                Assert.NotEmpty(unbound);
            }
        }
    }

    /// <summary>
    /// Inserts <paramref name="row"/> through EF's change tracker or through DirectInsert, reads back each column's
    /// storage type and literal as the database holds them, and rolls back.
    /// </summary>
    private async Task<string[]> StoredAsync<TEntity>(TEntity row, string keyProperty, object key, bool direct)
        where TEntity : class
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        if (direct)
        {
            await DirectInsert.InsertAsync(db, [row], CancellationToken.None);
        }
        else
        {
            db.Add(row);
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
        }

        var entityType = db.Model.FindEntityType(typeof(TEntity))!;
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var columns = entityType.GetProperties().Select(p => p.GetColumnName(table)!).ToList();
        var keyColumn = entityType.FindProperty(keyProperty)!.GetColumnName(table)!;
        var sqlite = db.Database.IsSqlite();
        var select = string.Join(", ", columns.Select(c => sqlite
            ? $"typeof(\"{c}\") || ':' || quote(\"{c}\")"
            : $"pg_typeof(\"{c}\")::text || ':' || coalesce(\"{c}\"::text, 'NULL')"));
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        command.CommandText = $"SELECT {select} FROM \"{table.Name}\" WHERE \"{keyColumn}\" = @key";
        var parameter = entityType.FindProperty(keyProperty)!.GetRelationalTypeMapping().CreateParameter(command, "@key", key);
        command.Parameters.Add(parameter);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"{typeof(TEntity).Name} was not stored");
        var stored = columns.Select((c, i) => $"{c}={reader.GetString(i)}").ToArray();
        await reader.DisposeAsync();
        await transaction.RollbackAsync();
        return stored;
    }

    private static object Columns(Message m) => new
    {
        m.Id,
        m.ConversationId,
        m.Sequence,
        m.SenderId,
        m.ClientMessageId,
        m.Body,
        m.ReplyToId,
        m.Automated,
        m.ReminderId,
        SentAt = m.SentAt.UtcTicks,
        m.Version,
        EditedAt = m.EditedAt?.UtcTicks,
        m.EditedBy,
        m.EditReason,
        m.DeletedAt,
        m.DeletedBy,
        m.DeletedReason,
        Mentions = string.Join(',', m.Mentions),
    };
}
