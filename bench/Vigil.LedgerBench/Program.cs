using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Ledger;
using Vigil.Server.Data;
using Vigil.Server.Hosting;
using Vigil.Server.Ledger;

// Ledger cost: appending N entries in group-commit-sized transactions, then verifying all of them offline.
var entries = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
const int perTransaction = 500;
var folder = Directory.CreateTempSubdirectory("vigil-ledger-bench-").FullName;
try
{
    var configuration = new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["Vigil:DataDirectory"] = folder }).Build();
    var services = new ServiceCollection()
        .AddVigilOffline(configuration)
        .AddSingleton<LedgerSigningKey>()
        .BuildServiceProvider();
    await using (var scope = services.CreateAsyncScope())
    {
        await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
    }

    var appender = services.GetRequiredService<LedgerAppender>();
    var actor = Guid.CreateVersion7();
    var commitment = Convert.ToHexStringLower(new byte[32]);
    var clock = Stopwatch.StartNew();
    for (var done = 0; done < entries; done += perTransaction)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var batch = Enumerable.Range(done, Math.Min(perTransaction, entries - done))
            .Select(i => new LedgerEvent(actor, LedgerActions.SignIn, LedgerActions.UserTarget(actor), "password", commitment))
            .ToList();
        await appender.AppendAsync(db, batch, DateTimeOffset.UtcNow, CancellationToken.None);
        await transaction.CommitAsync();
        if (done % 100_000 == 0)
        {
            Console.Error.Write($"\rappended {done:N0}");
        }
    }

    var append = clock.Elapsed;
    Console.Error.WriteLine();

    // What a restarted server does before its first checkpoint: bring the committed tree into memory and take its root.
    // Once from the entries alone (the first start after the upgrade that added stored block roots), then again from
    // the block roots that checkpoint stored (every later restart).
    var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
    clock.Restart();
    var tree = new LedgerTree();
    await using (var scope = services.CreateAsyncScope())
    {
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        _ = await tree.ReadAsync(db, t => t.Root(t.Size), CancellationToken.None);
    }

    var fromEntries = clock.Elapsed;
    var treeHeap = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
    await using (var scope = services.CreateAsyncScope())
    {
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        await LedgerBlocks.StoreAsync(db, tree.BlockHeight, await tree.UnstoredAsync(CancellationToken.None), CancellationToken.None);
        await transaction.CommitAsync();
    }

    clock.Restart();
    await using (var scope = services.CreateAsyncScope())
    {
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        _ = await new LedgerTree().ReadAsync(db, t => t.Root(t.Size), CancellationToken.None);
    }

    var fromBlocks = clock.Elapsed;
    GC.KeepAlive(tree);

    // One checkpoint over everything, as the server would sign it.
    await using (var scope = services.CreateAsyncScope())
    {
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        var leaves = db.LedgerEntries.OrderBy(e => e.Sequence).Select(e => e.LeafHash).AsEnumerable().Select(Convert.FromHexString).ToList();
        var checkpoint = new LedgerCheckpoint(leaves.Count, new MerkleTree(leaves).Root(leaves.Count), DateTimeOffset.UtcNow);
        db.LedgerCheckpoints.Add(new LedgerCheckpointRecord
        {
            TreeSize = checkpoint.TreeSize,
            RootHash = Convert.ToBase64String(checkpoint.RootHash),
            IssuedAt = checkpoint.IssuedAt,
            Signature = Convert.ToBase64String(checkpoint.Sign(services.GetRequiredService<LedgerSigningKey>().Key)),
        });
        await db.SaveChangesAsync();
    }

    clock.Restart();
    await using (var scope = services.CreateAsyncScope())
    {
        var result = await scope.ServiceProvider.GetRequiredService<LedgerVerifier>()
            .VerifyAsync(services.GetRequiredService<LedgerSigningKey>().PublicKeyPem, null, CancellationToken.None);
        if (!result.Holds)
        {
            throw new InvalidOperationException(result.FirstProblem);
        }
    }

    var verify = clock.Elapsed;
    var size = new FileInfo(Path.Combine(folder, "vigil.db")).Length + new FileInfo(Path.Combine(folder, "vigil.db-wal")).Length;
    Console.WriteLine("| entries | append (transactions of 500, fsync each) | per entry | verify offline | verify rate | database size | server's first root: from the entries / from stored block roots | tree's heap |");
    Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {entries:N0} | {append.TotalSeconds:0.0} s | {append.TotalMicroseconds / entries:0.0} µs | {verify.TotalSeconds:0.0} s | {entries / verify.TotalSeconds:N0} entries/s | {size / 1024 / 1024} MB | {fromEntries.TotalSeconds:0.00} / {fromBlocks.TotalSeconds:0.000} s | {treeHeap / 1024.0 / 1024:0.0} MB |"));
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(folder, recursive: true);
}
