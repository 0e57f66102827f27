using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Contracts;
using Vigil.Server.Data;
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
