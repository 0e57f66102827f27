using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Client;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Testing;

namespace Vigil.Server.Tests.Data;

public sealed class WriterContextsTests : IAsyncLifetime
{
    private readonly VigilServerFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task On_sqlite_every_batch_runs_alone_on_one_connection_that_stays_open_with_the_connection_settings()
    {
        var contexts = _factory.Services.GetRequiredService<WriterContexts>();
        DbConnection first;
        Task<WriterContexts.Lease>? next = null;
        await using (var lease = await contexts.LeaseAsync(CancellationToken.None))
        {
            first = lease.Db.Database.GetDbConnection();
            if (!lease.Db.Database.IsSqlite())
            {
                // PostgreSQL: pooled contexts, each with its own connection object.
                await using var other = await contexts.LeaseAsync(CancellationToken.None);
                Assert.NotSame(first, other.Db.Database.GetDbConnection());
                return;
            }

            // Two batches on one SQLite connection would share its transaction: the next lease waits for this one.
            next = contexts.LeaseAsync(CancellationToken.None);
            await Task.Delay(100);
            Assert.False(next.IsCompleted);

            await using var transaction = await lease.Db.Database.BeginTransactionAsync();
            Assert.Equal(1L, await lease.Db.Database.SqlQueryRaw<long>("SELECT foreign_keys AS Value FROM pragma_foreign_keys").SingleAsync());
            Assert.Equal(2L, await lease.Db.Database.SqlQueryRaw<long>("SELECT synchronous AS Value FROM pragma_synchronous").SingleAsync());
            Assert.Equal(30_000L, await lease.Db.Database.SqlQueryRaw<long>("SELECT timeout AS Value FROM pragma_busy_timeout").SingleAsync());
        }

        Assert.Equal(ConnectionState.Open, first.State);
        await using (await next!)
        {
        }

        await using (var second = await contexts.LeaseAsync(CancellationToken.None))
        {
            Assert.Same(first, second.Db.Database.GetDbConnection());
        }

        Assert.Equal(ConnectionState.Open, first.State);
    }

    [Fact]
    public async Task A_connection_left_inside_a_transaction_by_a_failed_batch_is_replaced_and_sending_carries_on()
    {
        var (client, conversation) = await AliceAndBobAsync();
        using var alice = client;
        await client.SendMessageAsync(conversation.Id, "before");

        var contexts = _factory.Services.GetRequiredService<WriterContexts>();
        DbConnection writers;
        await using (var lease = await contexts.LeaseAsync(CancellationToken.None))
        {
            writers = lease.Db.Database.GetDbConnection();
            if (lease.Db.Database.IsSqlite())
            {
                // What a rollback that failed too (an I/O error) leaves behind: a transaction nobody will end.
                await using var begin = writers.CreateCommand();
                begin.CommandText = "BEGIN IMMEDIATE;";
                await begin.ExecuteNonQueryAsync();
            }
        }

        // The first send may meet the broken connection (its batch fails, the connection is replaced); the next may not.
        client.SendRetries = 0;
        try
        {
            await client.SendMessageAsync(conversation.Id, "first after");
        }
        catch (VigilApiException)
        {
        }

        var after = await client.SendMessageAsync(conversation.Id, "second after");

        Assert.Contains(await client.GetMessagesAsync(conversation.Id), m => m.Id == after.Id && m.Body == "second after");
        await using var next = await contexts.LeaseAsync(CancellationToken.None);
        if (next.Db.Database.IsSqlite())
        {
            Assert.Equal(ConnectionState.Open, next.Db.Database.GetDbConnection().State);
            Assert.NotSame(writers, next.Db.Database.GetDbConnection());
            Assert.Equal(ConnectionState.Closed, writers.State);
        }
    }

    [Fact]
    public async Task A_failed_batch_that_left_the_connection_healthy_keeps_it_and_the_running_writer_waits_for_it()
    {
        var (client, conversation) = await AliceAndBobAsync();
        using var alice = client;

        var contexts = _factory.Services.GetRequiredService<WriterContexts>();
        DbConnection first;
        Task<MessageDto> sent;
        await using (var lease = await contexts.LeaseAsync(CancellationToken.None))
        {
            first = lease.Db.Database.GetDbConnection();
            await using var transaction = await lease.Db.Database.BeginTransactionAsync();
            // The server's own writer gets work now; on SQLite its batch must not run inside this transaction.
            sent = client.SendMessageAsync(conversation.Id, "while leased");
            await Task.Delay(200);
            await Assert.ThrowsAnyAsync<DbException>(() => lease.Db.Database.ExecuteSqlRawAsync("SELECT * FROM NoSuchTable"));
        }

        await contexts.RecoverAsync();
        var message = await sent;
        Assert.Contains(await client.GetMessagesAsync(conversation.Id), m => m.Id == message.Id);

        await using var second = await contexts.LeaseAsync(CancellationToken.None);
        if (second.Db.Database.IsSqlite())
        {
            Assert.Same(first, second.Db.Database.GetDbConnection());
            Assert.Equal(ConnectionState.Open, first.State);
        }
    }

    [Fact]
    public async Task The_check_after_a_failed_batch_waits_for_a_batch_in_progress_and_keeps_its_connection()
    {
        var contexts = _factory.Services.GetRequiredService<WriterContexts>();
        DbConnection used;
        Task recovering;
        bool sqlite;
        await using (var lease = await contexts.LeaseAsync(CancellationToken.None))
        {
            used = lease.Db.Database.GetDbConnection();
            sqlite = lease.Db.Database.IsSqlite();
            // A batch in progress is inside its transaction, which is what a connection broken by a failed one looks like.
            await using var transaction = await lease.Db.Database.BeginTransactionAsync();
            recovering = contexts.RecoverAsync();

            // On PostgreSQL every batch has a pooled connection of its own and there is nothing to check.
            Assert.Equal(!sqlite, recovering.IsCompleted);
        }

        await recovering;
        await using var next = await contexts.LeaseAsync(CancellationToken.None);
        if (sqlite)
        {
            Assert.Same(used, next.Db.Database.GetDbConnection());
            Assert.Equal(ConnectionState.Open, used.State);
        }
    }

    /// <summary>Alice signed in (the caller disposes her client) and her direct conversation with Bob.</summary>
    private async Task<(VigilClient Alice, ConversationDto Conversation)> AliceAndBobAsync()
    {
        var (alice, _) = await _factory.UserAsync("alice");
        var (bob, bobUser) = await _factory.UserAsync("bob");
        bob.Dispose();
        return (alice, await alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Direct, [bobUser.Id])));
    }
}
