using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vigil.Server.Data;
using Vigil.Server.Identity;
using Vigil.Testing;

namespace Vigil.Server.Tests.Identity;

/// <summary>
/// A session's last activity reaches the database (where other nodes and this node after a restart read it for the
/// idle check) through <see cref="SessionActivityWriter"/>, not in the request that caused it.
/// </summary>
public sealed class SessionActivityTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));
    private readonly VigilServerFactory _factory;

    public SessionActivityTests() => _factory = new VigilServerFactory(_time);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _factory.DisposeAsync().AsTask();

    [Fact]
    public async Task Activity_of_a_session_revalidated_more_often_than_it_is_written_still_reaches_the_database()
    {
        var (client, user) = await _factory.UserAsync("steady");
        var signedIn = _time.GetUtcNow();

        // A request every 10 s for two minutes: the cached view is rebuilt every 10-20 s, the stamp is due every 30 s.
        for (var i = 0; i < 12; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(10));
            await client.GetMeAsync();
        }

        await Writer.FlushAsync(CancellationToken.None);

        Assert.True(await LastActivityAsync(user.Id) >= signedIn + TimeSpan.FromSeconds(90));
    }

    [Fact]
    public async Task Queued_stamps_are_written_together_and_never_move_a_session_backwards()
    {
        var (_, first) = await _factory.UserAsync("first");
        var (_, second) = await _factory.UserAsync("second");
        var (firstSession, secondSession) = (await SessionOfAsync(first.Id), await SessionOfAsync(second.Id));
        var later = _time.GetUtcNow() + TimeSpan.FromMinutes(5);

        Writer.Record(firstSession, later);
        Writer.Record(firstSession, later - TimeSpan.FromMinutes(1));
        Writer.Record(secondSession, later);
        await Writer.FlushAsync(CancellationToken.None);
        Writer.Record(firstSession, later - TimeSpan.FromMinutes(2));
        await Writer.FlushAsync(CancellationToken.None);

        Assert.Equal(later, await LastActivityAsync(first.Id));
        Assert.Equal(later, await LastActivityAsync(second.Id));
    }

    [Fact]
    public async Task Stamps_still_queued_at_shutdown_are_written()
    {
        var (_, user) = await _factory.UserAsync("leaving");
        var stamp = _time.GetUtcNow() + TimeSpan.FromMinutes(3);

        Writer.Record(await SessionOfAsync(user.Id), stamp);
        await Writer.StopAsync(CancellationToken.None);

        Assert.Equal(stamp, await LastActivityAsync(user.Id));
    }

    [Fact]
    public Task A_stamp_refused_while_the_write_lock_is_taken_is_written_by_a_later_flush() =>
        OnSqliteAsync(async (factory, database) =>
        {
            var (_, user) = await factory.UserAsync("blocked");
            var writer = factory.Services.GetRequiredService<SessionActivityWriter>();
            var session = await SessionOfAsync(factory, user.Id);
            var stamp = _time.GetUtcNow() + TimeSpan.FromMinutes(4);
            await using (await HoldWriteLockAsync(database))
            {
                writer.Record(session, stamp);

                await Assert.ThrowsAsync<SqliteException>(() => writer.FlushAsync(CancellationToken.None));
            }

            await writer.FlushAsync(CancellationToken.None);

            Assert.Equal(stamp, await LastActivityAsync(factory, user.Id));
        });

    [Fact]
    public Task Of_two_shutdowns_at_once_neither_returns_before_the_queued_stamps_are_written() =>
        OnSqliteAsync(async (factory, database) =>
        {
            // The host stops twice at once under WebApplicationFactory; the stop that returns first lets the host
            // dispose the services, so neither may return while the final flush is still writing.
            var (_, user) = await factory.UserAsync("twice");
            var writer = factory.Services.GetRequiredService<SessionActivityWriter>();
            var stamp = _time.GetUtcNow() + TimeSpan.FromMinutes(3);
            writer.Record(await SessionOfAsync(factory, user.Id), stamp);
            Task[] stops;
            Task<DateTimeOffset> seenByTheFirstToReturn;
            await using (await HoldWriteLockAsync(database))
            {
                // Each on a thread of its own: Microsoft.Data.Sqlite waits for a lock on the calling thread.
                stops = [Task.Run(() => writer.StopAsync(CancellationToken.None)), Task.Run(() => writer.StopAsync(CancellationToken.None))];
                seenByTheFirstToReturn = Task.WhenAny(stops)
                    .ContinueWith(_ => LastActivityAsync(factory, user.Id), TaskScheduler.Default).Unwrap();
                // The lock is let go within the command timeout, so the final flush can succeed.
                await Task.WhenAny(seenByTheFirstToReturn, Task.Delay(TimeSpan.FromSeconds(1)));
            }

            await Task.WhenAll(stops);
            Assert.Equal(stamp, await seenByTheFirstToReturn);
        });

    /// <summary>
    /// Runs <paramref name="test"/> against a server on SQLite whichever database the suite runs on: SQLite's single
    /// write lock is what the writer yields, and a connection holding it is how these tests make a write wait.
    /// </summary>
    private async Task OnSqliteAsync(Func<VigilServerFactory, string, Task> test)
    {
        var folder = Directory.CreateTempSubdirectory("vigil-activity-");
        var database = Path.Combine(folder.FullName, "vigil.db");
        var factory = new VigilServerFactory(_time, new Dictionary<string, string?>
        {
            ["Vigil:Database"] = "sqlite",
            // A refused flush retries (Microsoft.Data.Sqlite's 150-ms sleeps) until the command timeout: 2 s here, not 30.
            ["Vigil:ConnectionString"] = $"Data Source={database};Default Timeout=2",
        });
        try
        {
            await test(factory, database);
        }
        finally
        {
            await factory.DisposeAsync();
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    /// <summary>A connection on its own holding SQLite's write lock; closing it rolls the transaction back.</summary>
    private static async Task<SqliteConnection> HoldWriteLockAsync(string database)
    {
        var holder = new SqliteConnection($"Data Source={database};Pooling=false");
        await holder.OpenAsync();
        await using var begin = holder.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE;";
        await begin.ExecuteNonQueryAsync();
        return holder;
    }

    private SessionActivityWriter Writer => _factory.Services.GetRequiredService<SessionActivityWriter>();

    private Task<Guid> SessionOfAsync(Guid userId) => SessionOfAsync(_factory, userId);

    private Task<DateTimeOffset> LastActivityAsync(Guid userId) => LastActivityAsync(_factory, userId);

    private static async Task<Guid> SessionOfAsync(VigilServerFactory factory, Guid userId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<VigilDbContext>().Sessions
            .Where(s => s.UserId == userId).Select(s => s.Id).SingleAsync();
    }

    private static async Task<DateTimeOffset> LastActivityAsync(VigilServerFactory factory, Guid userId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<VigilDbContext>().Sessions
            .Where(s => s.UserId == userId).Select(s => s.LastActivityAt).SingleAsync();
    }
}
