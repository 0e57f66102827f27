using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Contracts;
using Vigil.Server.Conversations;
using Vigil.Server.Data;
using Vigil.Testing;

namespace Vigil.Server.Tests.Data;

/// <summary>The group commit's prefetch reads its rows past EF's query pipeline on SQLite; what it tracks must be what a query would.</summary>
public sealed class DirectReadTests : IAsyncLifetime
{
    private readonly VigilServerFactory _factory = new();
    private Guid _groupId;
    private Guid _patientConversationId;
    private Guid _aliceId;
    private Guid _bobId;

    public async Task InitializeAsync()
    {
        var (alice, aliceUser) = await _factory.UserAsync("alice");
        using (alice)
        {
            var (bob, bobUser) = await _factory.UserAsync("bob");
            bob.Dispose();
            _aliceId = aliceUser.Id;
            _bobId = bobUser.Id;
            // One conversation with a title and no patient, one with neither: nulls and values in every nullable column.
            _groupId = (await alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Group, [bobUser.Id], "Ünïcode ✓"))).Id;
            _patientConversationId = (await alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Direct, [bobUser.Id]))).Id;
        }

        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        await db.Conversations.Where(c => c.Id == _groupId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.LastSequence, long.MaxValue).SetProperty(c => c.LegalHold, true).SetProperty(c => c.PatientId, _bobId));
        await db.ConversationMembers.Where(m => m.ConversationId == _groupId && m.UserId == _bobId)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LastReadSequence, 12345));
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Rows_read_directly_are_tracked_with_every_property_a_query_gives()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        if (!db.Database.IsSqlite())
        {
            // PostgreSQL's writer reads through EF: one round trip per query matters there, not the pipeline.
            Assert.False(DirectRead.CanRead<Conversation>(db));
            return;
        }

        Assert.True(DirectRead.CanRead<Conversation>(db) && DirectRead.CanRead<ConversationMember>(db));
        await using var transaction = await db.Database.BeginTransactionAsync();
        var missing = Guid.CreateVersion7();
        var conversations = DirectRead.FindAll<Conversation>(db, [[_groupId], [missing], [_patientConversationId]], CancellationToken.None);
        var members = DirectRead.FindAll<ConversationMember>(db, [[_groupId, _bobId], [_groupId, missing], [_patientConversationId, _aliceId]], CancellationToken.None);

        Assert.Null(conversations[1]);
        Assert.Null(members[1]);
        var expectedConversations = await db.Conversations.AsNoTracking().Where(c => c.Id == _groupId || c.Id == _patientConversationId).OrderBy(c => c.Id == _patientConversationId).ToListAsync();
        var expectedMembers = await db.ConversationMembers.AsNoTracking()
            .Where(m => (m.ConversationId == _groupId && m.UserId == _bobId) || (m.ConversationId == _patientConversationId && m.UserId == _aliceId))
            .OrderBy(m => m.ConversationId == _patientConversationId).ToListAsync();
        Assert.Equal(expectedConversations.Select(Values), new[] { conversations[0]!, conversations[2]! }.Select(Values));
        Assert.Equal(expectedMembers.Select(Values), new[] { members[0]!, members[2]! }.Select(Values));
        Assert.Equal(long.MaxValue, conversations[0]!.LastSequence);
        Assert.All([conversations[0]!, conversations[2]!], c => Assert.Equal(EntityState.Unchanged, db.Entry(c).State));
        Assert.Contains(members[0]!, conversations[0]!.Members);

        // Tracked now: found again without a second instance, and a change saves as it would after a query.
        Assert.Same(conversations[0], DirectRead.FindAll<Conversation>(db, [[_groupId]], CancellationToken.None)[0]);
        Assert.Same(conversations[0], await db.Conversations.SingleAsync(c => c.Id == _groupId));
        members[0]!.LastReadSequence = 7;
        Assert.Equal(1, await db.SaveChangesAsync());
        await transaction.CommitAsync();
        Assert.Equal(7, await db.ConversationMembers.AsNoTracking().Where(m => m.ConversationId == _groupId && m.UserId == _bobId).Select(m => m.LastReadSequence).SingleAsync());
    }

    private static string Values(object entity) => string.Join("; ", entity.GetType()
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.PropertyType.IsValueType || p.PropertyType == typeof(string))
        .Select(p => $"{p.Name}={p.GetValue(entity)}"));
}
