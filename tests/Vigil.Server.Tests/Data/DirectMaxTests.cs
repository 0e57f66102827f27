using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Server.Data;
using Vigil.Server.Ledger;
using Vigil.Server.Messaging;
using Vigil.Testing;

namespace Vigil.Server.Tests.Data;

/// <summary>The ledger's next sequence is read past EF's query pipeline; it must be the maximum EF would read.</summary>
public sealed class DirectMaxTests : IAsyncLifetime
{
    private readonly VigilServerFactory _factory = new();

    public async Task InitializeAsync()
    {
        // A user and a login put entries in the ledger.
        var (client, _) = await _factory.UserAsync("alice");
        client.Dispose();
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task The_maximum_is_the_one_a_query_reads_and_null_for_an_empty_table()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();

        var expected = await db.LedgerEntries.MaxAsync(e => (long?)e.Sequence);
        Assert.True(expected > 0);
        Assert.Equal(expected, await DirectMax.Int64Async<LedgerEntry>(db, nameof(LedgerEntry.Sequence), CancellationToken.None));
        Assert.False(await db.MessageVersions.AnyAsync());
        Assert.Null(await DirectMax.Int64Async<MessageVersion>(db, nameof(MessageVersion.Version), CancellationToken.None));
    }

    [Fact]
    public async Task A_column_not_stored_as_an_integer_or_a_read_outside_a_transaction_is_refused()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        await Assert.ThrowsAsync<InvalidOperationException>(() => DirectMax.Int64Async<LedgerEntry>(db, nameof(LedgerEntry.Sequence), CancellationToken.None));

        await using var transaction = await db.Database.BeginTransactionAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => DirectMax.Int64Async<LedgerEntry>(db, nameof(LedgerEntry.Action), CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => DirectMax.Int64Async<LedgerEntry>(db, nameof(LedgerEntry.RecordedAt), CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => DirectMax.Int64Async<LedgerEntry>(db, "NoSuchProperty", CancellationToken.None));
    }
}
