using Microsoft.Data.Sqlite;
using Npgsql;
using Vigil.Client;
using Vigil.Testing;

namespace Vigil.Cli.Tests;

/// <summary>
/// <c>vigil db copy</c>: an embedded deployment with real activity moves to PostgreSQL, its ledger verifies there, and
/// the server runs on the copy. Needs the test command's PostgreSQL (fails without it, never skips).
/// </summary>
public sealed class DatabaseCopyTests(LedgerDataFixture data) : IClassFixture<LedgerDataFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vigil-copy-").FullName;
    private readonly string _target = TestDatabase.CreatePostgresDatabase();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        TestDatabase.DropPostgresDatabase(_target);
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_sqlite_deployment_copies_to_postgres_with_a_verified_ledger_and_the_server_runs_on_it()
    {
        LedgerDataFixture.CopyFolder(data.Pristine, _folder);

        var (code, output, error) = await CliRunner.RunAsync("db", "copy", "--from", $"sqlite:{_folder}", "--to", $"postgres:{_target}");

        Assert.True(code == 0, error);
        Assert.Contains("Ledger verified on the target", output, StringComparison.Ordinal);
        Assert.Equal(await CountAsync("LedgerEntries"), await CountSqliteAsync("LedgerEntries"));
        Assert.Equal(await CountAsync("MessageVersions"), await CountSqliteAsync("MessageVersions"));

        await using var server = await ServerProcess.StartAsync(_folder, environment: new Dictionary<string, string>
        {
            ["Vigil__Database"] = "postgres",
            ["Vigil__ConnectionString"] = _target,
        });
        using var alice = new VigilClient(server.Address);
        await alice.SignInAsync("alice", VigilServerFactory.UserPassword);
        var conversation = Assert.Single(await alice.ListConversationsAsync());
        var messages = await alice.GetMessagesAsync(conversation.Id);
        Assert.Contains(messages, m => m.Body == "Take 5 mg" && m.Version == 2);
        Assert.Contains(messages, m => m.Deleted && m.DeletedReason == "Posted in the wrong conversation");
        var history = await alice.GetMessageHistoryAsync(messages.First(m => m.Body == "Take 5 mg").Id);
        Assert.Equal(["Take 10 mg", "Take 5 mg"], history.Versions.Select(v => v.Body));
        // New rows continue after the copied ones (identity sequences moved on).
        var sent = await alice.SendMessageAsync(conversation.Id, "Written on PostgreSQL");
        Assert.Equal(messages.Max(m => m.Sequence) + 1, sent.Sequence);
        // The search index is not copied (each database keeps it its own way): the target's server rebuilds it.
        var edited = messages.First(m => m.Body == "Take 5 mg").Id;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!(await alice.SearchAsync("mg")).Any(m => m.Id == edited) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Contains(await alice.SearchAsync("mg"), m => m.Id == edited);
    }

    [Fact]
    public async Task A_copy_into_a_database_that_has_rows_is_refused_and_changes_nothing()
    {
        LedgerDataFixture.CopyFolder(data.Pristine, _folder);
        var (first, _, firstError) = await CliRunner.RunAsync("db", "copy", "--from", $"sqlite:{_folder}", "--to", $"postgres:{_target}");
        Assert.True(first == 0, firstError);
        var before = await CountAsync("LedgerEntries");

        var (code, _, error) = await CliRunner.RunAsync("db", "copy", "--from", $"sqlite:{_folder}", "--to", $"postgres:{_target}");

        Assert.NotEqual(0, code);
        Assert.Contains("not empty", error, StringComparison.Ordinal);
        Assert.Equal(before, await CountAsync("LedgerEntries"));
    }

    [Theory]
    [InlineData("mysql:whatever")]
    [InlineData("postgres:")]
    [InlineData("nothing")]
    public async Task A_bad_endpoint_is_a_one_line_error(string to)
    {
        var (code, _, error) = await CliRunner.RunAsync("db", "copy", "--from", $"sqlite:{_folder}", "--to", to);

        Assert.NotEqual(0, code);
        Assert.Contains("--to must be sqlite:DATA_DIR or postgres:CONNECTION_STRING", error, StringComparison.Ordinal);
    }

    private async Task<long> CountAsync(string table)
    {
        await using var connection = new NpgsqlConnection(_target);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<long> CountSqliteAsync(string table)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_folder, "vigil.db")};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
