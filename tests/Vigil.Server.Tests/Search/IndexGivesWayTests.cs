using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Server.Messaging;
using Vigil.Server.Search;
using Vigil.Testing;

namespace Vigil.Server.Tests.Search;

/// <summary>
/// The search index shares the group-commit writer and gives way while users write: the writer tells it how long
/// ago one of their commands last committed, and its own chunks do not count.
/// </summary>
public sealed class IndexGivesWayTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));
    private readonly VigilServerFactory _factory;

    public IndexGivesWayTests() => _factory = new VigilServerFactory(_time);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _factory.DisposeAsync().AsTask();

    [Fact]
    public async Task The_writer_times_users_last_commit_and_the_index_chunks_it_commits_do_not_reset_it()
    {
        var (alice, _) = await _factory.UserAsync("alice");
        using var aliceClient = alice;
        var (_, bob) = await _factory.UserAsync("bob");
        var conversation = await alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Group, [bob.Id], "Trial 044"));
        var writer = _factory.Services.GetRequiredService<MessageWriter>();

        await alice.SendMessageAsync(conversation.Id, "Visit three moved to Thursday", clientMessageId: "c-1");
        Assert.Equal(TimeSpan.Zero, writer.SinceForegroundCommit);
        Assert.True(SearchIndexer.UsersWriting(writer.SinceForegroundCommit));

        _time.Advance(SearchIndexer.Quiet);
        await IndexCaughtUpAsync();

        Assert.Equal(SearchIndexer.Quiet, writer.SinceForegroundCommit);
        Assert.False(SearchIndexer.UsersWriting(writer.SinceForegroundCommit));
    }

    /// <summary>Until the index's cursor has passed the message's ledger entry (the indexer runs on the wall clock).</summary>
    private async Task IndexCaughtUpAsync()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            await using var scope = _factory.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
            var created = await db.LedgerEntries.Where(e => e.Action == Vigil.Server.Ledger.LedgerActions.MessageCreated).MaxAsync(e => e.Sequence);
            if (await db.SearchCursors.SingleOrDefaultAsync() is { } cursor && cursor.LedgerSequence >= created)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("the search index did not reach the message within 10 s");
    }
}
