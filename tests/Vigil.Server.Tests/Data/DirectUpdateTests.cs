using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Contracts;
using Vigil.Server.Conversations;
using Vigil.Server.Data;
using Vigil.Testing;

namespace Vigil.Server.Tests.Data;

/// <summary>The group commit writes its conversations' last sequence past EF's update pipeline; EF must still save the rest.</summary>
public sealed class DirectUpdateTests : IAsyncLifetime
{
    private readonly VigilServerFactory _factory = new();
    private Guid _conversationId;
    private Guid _ownerId;

    public async Task InitializeAsync()
    {
        var (alice, aliceUser) = await _factory.UserAsync("alice");
        using (alice)
        {
            var (bob, bobUser) = await _factory.UserAsync("bob");
            bob.Dispose();
            _conversationId = (await alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Group, [bobUser.Id], "Before"))).Id;
            _ownerId = aliceUser.Id;
        }
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task The_property_is_stored_at_once_and_save_changes_stores_only_the_other_changes()
    {
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            var conversation = await db.Conversations.SingleAsync(c => c.Id == _conversationId);
            var untouched = await db.ConversationMembers.SingleAsync(m => m.ConversationId == _conversationId && m.UserId == _ownerId);
            conversation.LastSequence += 41;
            conversation.Title = "After";

            await DirectUpdate.SetAsync(db, [conversation], nameof(Conversation.LastSequence), CancellationToken.None);

            var entry = db.Entry(conversation);
            Assert.Equal(EntityState.Modified, entry.State);
            Assert.False(entry.Property(c => c.LastSequence).IsModified);
            Assert.True(entry.Property(c => c.Title).IsModified);
            Assert.Equal(41, conversation.LastSequence);
            Assert.Equal(EntityState.Unchanged, db.Entry(untouched).State);
            Assert.Equal(41, await db.Conversations.AsNoTracking().Where(c => c.Id == _conversationId).Select(c => c.LastSequence).SingleAsync());
            await db.SaveChangesAsync();
            Assert.Equal(EntityState.Unchanged, entry.State);
            await transaction.CommitAsync();
        }

        var stored = await StoredAsync();
        Assert.Equal((41, "After"), (stored.LastSequence, stored.Title));
    }

    [Fact]
    public async Task An_entity_with_no_other_change_is_left_unchanged_for_save_changes()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var conversation = await db.Conversations.SingleAsync(c => c.Id == _conversationId);
        conversation.LastSequence = 7;

        await DirectUpdate.SetAsync(db, [conversation], nameof(Conversation.LastSequence), CancellationToken.None);

        Assert.Equal(EntityState.Unchanged, db.Entry(conversation).State);
        Assert.False(db.ChangeTracker.HasChanges());
        Assert.Equal(0, await db.SaveChangesAsync());
        await transaction.CommitAsync();
        Assert.Equal(7, (await StoredAsync()).LastSequence);
    }

    [Fact]
    public async Task An_entity_about_to_be_inserted_is_left_to_its_insert()
    {
        var id = Guid.CreateVersion7();
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            var added = new Conversation { Id = id, Kind = ConversationKinds.Group, Title = "New", CreatedBy = _ownerId, LastSequence = 3 };
            db.Conversations.Add(added);

            await DirectUpdate.SetAsync(db, [added], nameof(Conversation.LastSequence), CancellationToken.None);

            Assert.Equal(EntityState.Added, db.Entry(added).State);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        Assert.Equal(3, (await StoredAsync(id)).LastSequence);
    }

    [Fact]
    public async Task A_row_no_longer_stored_fails_like_save_changes_and_writes_nothing()
    {
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            var conversation = await db.Conversations.SingleAsync(c => c.Id == _conversationId);
            var gone = new Conversation { Id = Guid.CreateVersion7(), Kind = ConversationKinds.Group, CreatedBy = _ownerId };
            db.Attach(gone);
            conversation.LastSequence = 99;
            gone.LastSequence = 99;

            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() =>
                DirectUpdate.SetAsync(db, [conversation, gone], nameof(Conversation.LastSequence), CancellationToken.None));
            Assert.True(db.Entry(conversation).Property(c => c.LastSequence).IsModified);
            await transaction.RollbackAsync();
        }

        Assert.Equal(0, (await StoredAsync()).LastSequence);
    }

    [Fact]
    public async Task A_key_column_cannot_be_the_one_set()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var conversation = await db.Conversations.SingleAsync(c => c.Id == _conversationId);
        conversation.LastSequence = 1;
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            DirectUpdate.SetAsync(db, [conversation], nameof(Conversation.Id), CancellationToken.None));
        Assert.Contains("key", refused.Message, StringComparison.Ordinal);
    }

    private async Task<Conversation> StoredAsync(Guid? id = null)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var key = id ?? _conversationId;
        return await scope.ServiceProvider.GetRequiredService<VigilDbContext>().Conversations.AsNoTracking().SingleAsync(c => c.Id == key);
    }
}
