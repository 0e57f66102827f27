using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Client;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Server.Search;
using Vigil.Testing;

namespace Vigil.Server.Tests.Search;

public sealed class SearchTests : IAsyncLifetime
{
    private readonly VigilServerFactory _factory = new();
    private VigilClient _alice = null!;
    private VigilClient _bob = null!;
    private VigilClient _carol = null!;
    private UserDto _bobUser = null!;
    private UserDto _carolUser = null!;

    public async Task InitializeAsync()
    {
        (_alice, _) = await _factory.UserAsync("alice");
        (_bob, _bobUser) = await _factory.UserAsync("bob");
        (_carol, _carolUser) = await _factory.UserAsync("carol");
    }

    public async Task DisposeAsync()
    {
        _alice.Dispose();
        _bob.Dispose();
        _carol.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task Search_finds_messages_with_every_word_newest_first_in_the_callers_conversations_only()
    {
        var withBob = await _alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Direct, [_bobUser.Id]));
        var withCarol = await _alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Direct, [_carolUser.Id]));
        var older = await _alice.SendMessageAsync(withBob.Id, "Sertraline dose for site 12 is confirmed.");
        await _alice.SendMessageAsync(withBob.Id, "The site visit moved to Thursday.");
        var newer = await _carol.SendMessageAsync(withCarol.Id, "**Sertraline** titration: the DOSE goes up next week.");

        var alice = await IndexedAsync(_alice, "sertraline dose", 2);
        var bob = await _bob.SearchAsync("sertraline dose");

        Assert.Equal([newer.Id, older.Id], alice.Select(m => m.Id));
        Assert.Equal("**Sertraline** titration: the DOSE goes up next week.", alice[0].Body);
        Assert.Equal([older.Id], bob.Select(m => m.Id));
        Assert.Empty(await _bob.SearchAsync("titration"));
        Assert.Empty(await _alice.SearchAsync("sertraline lithium"));
    }

    [Fact]
    public async Task Edits_are_searched_by_their_current_text_and_deleted_messages_not_at_all()
    {
        var chat = await _alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Direct, [_bobUser.Id]));
        var edited = await _alice.SendMessageAsync(chat.Id, "Bring the amoxicillin forms");
        var deleted = await _alice.SendMessageAsync(chat.Id, "Bring the consent forms");

        Assert.Single(await IndexedAsync(_alice, "amoxicillin", 1));
        await _alice.EditMessageAsync(edited.Id, "Bring the ibuprofen forms", "wrong drug");
        await _alice.DeleteMessageAsync(deleted.Id, "posted twice");

        Assert.Equal([edited.Id], (await IndexedAsync(_alice, "ibuprofen", 1)).Select(m => m.Id));
        Assert.Empty(await _alice.SearchAsync("amoxicillin"));
        Assert.Equal([edited.Id], (await IndexedAsync(_alice, "forms", 1)).Select(m => m.Id));
        // The deletion's ledger entry may be indexed a pass after the edit's: wait for its rows to go, at most 10 s.
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var postings = SearchPostings.For(db);
        while (await postings.HoldsAsync(db, deleted.Id, default) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.False(await postings.HoldsAsync(db, deleted.Id, default));
    }

    [Fact]
    public async Task The_index_holds_keyed_hashes_so_one_word_differs_between_conversations_and_erasure_removes_them()
    {
        var (compliance, _) = await _factory.UserAsync("dpo", VigilRoles.ComplianceOfficer);
        using (compliance)
        {
            var first = await _alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Direct, [_bobUser.Id]));
            var second = await _alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Direct, [_carolUser.Id]));
            var a = await _alice.SendMessageAsync(first.Id, "metformin");
            var b = await _alice.SendMessageAsync(second.Id, "metformin");
            await IndexedAsync(_alice, "metformin", 2);

            await using (var scope = _factory.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
                // One word in two conversations: two terms, each held by one message.
                Assert.Equal([1, 1], (await SearchPostings.For(db).TermCountsAsync(db, default)).Values);
            }

            await compliance.EraseSubjectAsync(first.Id, "GDPR Art. 17 request");

            Assert.Equal([b.Id], (await _alice.SearchAsync("metformin")).Select(m => m.Id));
            await using (var scope = _factory.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
                Assert.False(await SearchPostings.For(db).HoldsAsync(db, a.Id, default));
                Assert.True(await SearchPostings.For(db).HoldsAsync(db, b.Id, default));
            }
        }
    }

    [Fact]
    public async Task Messages_stored_before_the_index_are_indexed_when_it_is_rebuilt()
    {
        var chat = await _alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Direct, [_bobUser.Id]));
        var old = await _alice.SendMessageAsync(chat.Id, "Quarterly lisinopril audit");
        await IndexedAsync(_alice, "lisinopril", 1);

        // An upgrade from a version without the index, or an index dropped on purpose, looks like this.
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
            // Counted as they go: asking the search afterwards would race the indexer, which may already be rebuilding.
            Assert.True(await SearchPostings.For(db).ClearAsync(db, default) > 0);
            Assert.Equal(1, await db.SearchCursors.ExecuteDeleteAsync());
        }

        _factory.Services.GetRequiredService<Vigil.Server.Search.SearchIndexer>().Notify();
        Assert.Equal([old.Id], (await IndexedAsync(_alice, "lisinopril", 1)).Select(m => m.Id));
    }

    [Fact]
    public async Task A_chunk_whose_range_another_node_claimed_first_writes_nothing_and_says_so()
    {
        var chat = await _alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Direct, [_bobUser.Id]));
        var sent = await _alice.SendMessageAsync(chat.Id, "Valsartan recall notice");
        await IndexedAsync(_alice, "valsartan", 1);
        long cursor;
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            cursor = (await scope.ServiceProvider.GetRequiredService<VigilDbContext>().SearchCursors.SingleAsync()).LedgerSequence;
        }

        // A pass that started where the cursor no longer is: another node has moved it on. Had it gone ahead, its
        // empty rows would have replaced the message's.
        var writer = _factory.Services.GetRequiredService<Vigil.Server.Messaging.MessageWriter>();
        Assert.False(await writer.SubmitAsync(new IndexChunkCommand(cursor - 1, cursor + 10, [sent.Id], []), default));

        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            Assert.True((await scope.ServiceProvider.GetRequiredService<VigilDbContext>().SearchCursors.SingleAsync()).LedgerSequence < cursor + 10);
        }

        Assert.Equal([sent.Id], (await _alice.SearchAsync("valsartan")).Select(m => m.Id));
    }

    [Fact]
    public async Task A_pass_with_more_rows_than_one_chunk_is_applied_in_several_group_commits_and_indexes_everything()
    {
        var chat = await _alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Direct, [_bobUser.Id]));
        const int messages = 30, shared = 40;
        var common = string.Join(' ', Enumerable.Range(0, shared).Select(w => Word(1000 + w)));
        var sent = new List<Guid>();
        for (var i = 0; i < messages; i++)
        {
            sent.Add((await _alice.SendMessageAsync(chat.Id, $"{Word(i)} {common}")).Id);
        }

        await IndexedAsync(_alice, Word(messages - 1), 1);
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
            await SearchPostings.For(db).ClearAsync(db, default);
            await db.SearchCursors.ExecuteDeleteAsync();
        }

        // One rebuild pass covers 30 × 41 = 1,230 rows: more than a chunk, so the writer applies them in two batches.
        var batches = 0;
        using var listener = new MeterListener();
        var meters = _factory.Services.GetRequiredService<IMeterFactory>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "vigil.writer.batch.size" && ReferenceEquals(instrument.Meter.Scope, meters))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, _, _, _) => Interlocked.Increment(ref batches));
        listener.Start();
        _factory.Services.GetRequiredService<Vigil.Server.Search.SearchIndexer>().Notify();

        Assert.Equal([sent[0]], (await IndexedAsync(_alice, Word(0), 1)).Select(m => m.Id));
        Assert.Equal([sent[^1]], (await IndexedAsync(_alice, Word(messages - 1), 1)).Select(m => m.Id));
        Assert.Equal(messages, (await _alice.SearchAsync(Word(1000), limit: 100)).Count);
        Assert.True(Vigil.Server.Search.SearchIndexer.RowsPerChunk < messages * (shared + 1));
        Assert.True(Volatile.Read(ref batches) >= 2, $"{batches} batch(es)");
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
            Assert.Equal(messages * (shared + 1), (await SearchPostings.For(db).TermCountsAsync(db, default)).Values.Sum());
        }
    }

    /// <summary>A word of letters only, different for every <paramref name="n"/>.</summary>
    private static string Word(int n)
    {
        var letters = new System.Text.StringBuilder("qz");
        do
        {
            letters.Append((char)('a' + (n % 26)));
            n /= 26;
        }
        while (n > 0);
        return letters.ToString();
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("a")]
    [InlineData("one two three four five six seven eight nine")]
    public async Task A_query_without_words_or_with_too_many_is_refused_with_a_problem(string query)
    {
        var refused = await Assert.ThrowsAsync<VigilApiException>(() => _alice.SearchAsync(query));

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal(ProblemTypes.Validation, refused.ProblemType);
    }

    /// <summary>The index trails the commit by one indexer pass: wait (at most 10 s) until the search finds <paramref name="count"/> messages.</summary>
    private static async Task<IReadOnlyList<MessageDto>> IndexedAsync(VigilClient client, string query, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var found = await client.SearchAsync(query);
            if (found.Count >= count || DateTime.UtcNow > deadline)
            {
                return found;
            }

            await Task.Delay(20);
        }
    }
}
