using System.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Server.Data;
using Vigil.Testing;

namespace Vigil.Server.Tests.Data;

public sealed class WriterContextsTests : IAsyncLifetime
{
    private readonly VigilServerFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task On_sqlite_every_batch_runs_on_one_connection_that_stays_open_with_the_connection_settings()
    {
        var contexts = _factory.Services.GetRequiredService<WriterContexts>();
        System.Data.Common.DbConnection first;
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

            await using var transaction = await lease.Db.Database.BeginTransactionAsync();
            Assert.Equal(1L, await lease.Db.Database.SqlQueryRaw<long>("SELECT foreign_keys AS Value FROM pragma_foreign_keys").SingleAsync());
            Assert.Equal(2L, await lease.Db.Database.SqlQueryRaw<long>("SELECT synchronous AS Value FROM pragma_synchronous").SingleAsync());
            Assert.Equal(30_000L, await lease.Db.Database.SqlQueryRaw<long>("SELECT timeout AS Value FROM pragma_busy_timeout").SingleAsync());
        }

        Assert.Equal(ConnectionState.Open, first.State);
        await using (var second = await contexts.LeaseAsync(CancellationToken.None))
        {
            Assert.Same(first, second.Db.Database.GetDbConnection());
        }

        Assert.Equal(ConnectionState.Open, first.State);
    }
}
