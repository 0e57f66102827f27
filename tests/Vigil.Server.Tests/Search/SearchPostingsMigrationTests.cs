using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Vigil.Server.Data;
using Vigil.Server.Data.Postgres;
using Vigil.Server.Search;
using Vigil.Testing;

namespace Vigil.Server.Tests.Search;

/// <summary>Upgrading a database whose postings are in the old term-ordered <c>SearchTerms</c> table, on each
/// database whatever this run's default (PostgreSQL is the test command's throwaway cluster: fails without it).</summary>
public sealed class SearchPostingsMigrationTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vigil-search-migration-").FullName;
    private string? _postgres;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        if (_postgres is not null)
        {
            TestDatabase.DropPostgresDatabase(_postgres);
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Postgres_carries_the_old_postings_over_so_search_finds_them_newest_first_without_a_rebuild()
    {
        _postgres = TestDatabase.CreatePostgresDatabase();
        await using var db = new PostgresVigilDbContext(new DbContextOptionsBuilder<PostgresVigilDbContext>().UseNpgsql(_postgres).Options);
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync("20261126081738_SearchIndex");
        var conversation = Guid.CreateVersion7();
        // Ids of one millisecond are in random order: a second apart, they sort as they were sent.
        var sent = DateTimeOffset.UtcNow;
        var (older, newer) = (Guid.CreateVersion7(sent.AddSeconds(-1)), Guid.CreateVersion7(sent));
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "SearchTerms" ("Term", "MessageId", "ConversationId")
            VALUES (7, {newer}, {conversation}), (11, {newer}, {conversation}), (7, {older}, {conversation}), (-3, {older}, {conversation})
            """);

        await migrator.MigrateAsync();

        var postings = SearchPostings.For(db);
        Assert.True(await postings.HoldsAsync(db, older, CancellationToken.None));
        Assert.True(await postings.HoldsAsync(db, newer, CancellationToken.None));
        Assert.Equal(new Dictionary<long, int> { [7] = 2, [11] = 1, [-3] = 1 }, await postings.TermCountsAsync(db, CancellationToken.None));
        Assert.Equal([newer, older], await postings.CandidatesAsync(db, [conversation], [[7]], 10, CancellationToken.None));
        Assert.Equal([newer], await postings.CandidatesAsync(db, [conversation], [[7], [11, 99]], 10, CancellationToken.None));
        Assert.Empty(await postings.CandidatesAsync(db, [Guid.CreateVersion7()], [[7]], 10, CancellationToken.None));
        Assert.False(await TableExistsAsync(db, "SearchTerms"));
    }

    [Fact]
    public async Task Sqlite_drops_the_old_table_it_no_longer_fills()
    {
        await using var db = new VigilDbContext(new DbContextOptionsBuilder<VigilDbContext>().UseSqlite($"Data Source={Path.Combine(_folder, "vigil.db")}").Options);
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync("20261127130000_SearchPostingsFts5");
        Assert.True(await TableExistsAsync(db, "SearchTerms"));

        await migrator.MigrateAsync();

        Assert.False(await TableExistsAsync(db, "SearchTerms"));
        Assert.Empty(await SearchPostings.For(db).TermCountsAsync(db, CancellationToken.None));
    }

    private static async Task<bool> TableExistsAsync(VigilDbContext db, string table)
    {
        var sql = db.Database.IsSqlite()
            ? "SELECT count(*) AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name = {0}"
            : "SELECT count(*)::integer AS \"Value\" FROM information_schema.tables WHERE table_name = {0}";
        return await db.Database.SqlQueryRaw<int>(sql, table).SingleAsync() == 1;
    }
}
