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
    public async Task A_stamp_refused_while_the_write_lock_is_taken_is_written_by_a_later_flush()
    {
        // SQLite's single write lock is what the writer yields; forced here whichever database the suite runs on.
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
            var (_, user) = await factory.UserAsync("blocked");
            var writer = factory.Services.GetRequiredService<SessionActivityWriter>();
            Guid session;
            await using (var scope = factory.Services.CreateAsyncScope())
            {
                session = await scope.ServiceProvider.GetRequiredService<VigilDbContext>().Sessions
                    .Where(s => s.UserId == user.Id).Select(s => s.Id).SingleAsync();
            }

            var stamp = _time.GetUtcNow() + TimeSpan.FromMinutes(4);
            await using (var holder = new SqliteConnection($"Data Source={database};Pooling=false"))
            {
                await holder.OpenAsync();
                await using var hold = holder.BeginTransaction(deferred: false);
                writer.Record(session, stamp);

                await Assert.ThrowsAsync<SqliteException>(() => writer.FlushAsync(CancellationToken.None));
            }

            await writer.FlushAsync(CancellationToken.None);

            await using var check = factory.Services.CreateAsyncScope();
            Assert.Equal(stamp, await check.ServiceProvider.GetRequiredService<VigilDbContext>().Sessions
                .Where(s => s.Id == session).Select(s => s.LastActivityAt).SingleAsync());
        }
        finally
        {
            await factory.DisposeAsync();
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    private SessionActivityWriter Writer => _factory.Services.GetRequiredService<SessionActivityWriter>();

    private async Task<Guid> SessionOfAsync(Guid userId)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<VigilDbContext>().Sessions
            .Where(s => s.UserId == userId).Select(s => s.Id).SingleAsync();
    }

    private async Task<DateTimeOffset> LastActivityAsync(Guid userId)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<VigilDbContext>().Sessions
            .Where(s => s.UserId == userId).Select(s => s.LastActivityAt).SingleAsync();
    }
}
