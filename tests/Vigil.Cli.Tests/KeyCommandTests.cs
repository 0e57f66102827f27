using Microsoft.Data.Sqlite;

namespace Vigil.Cli.Tests;

public sealed class KeyCommandTests(LedgerDataFixture data) : IClassFixture<LedgerDataFixture>, IDisposable
{
    private readonly string _copy = Directory.CreateTempSubdirectory("vigil-keys-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_copy, recursive: true);
    }

    [Fact]
    public async Task Rotation_rewraps_every_data_key_and_all_content_stays_readable()
    {
        LedgerDataFixture.CopyFolder(data.Pristine, _copy);
        var before = await ScalarAsync("SELECT DISTINCT KeyEncryptionKeyId FROM DataKeys");

        var (code, output, error) = await CliRunner.RunAsync("keys", "rotate", "--data-dir", _copy);

        Assert.True(code == 0, error);
        Assert.Contains("1 data key(s) rewrapped", output, StringComparison.Ordinal);
        Assert.NotEqual(before, await ScalarAsync("SELECT DISTINCT KeyEncryptionKeyId FROM DataKeys"));
        Assert.Equal(0, (await CliRunner.RunAsync("ledger", "verify", "--data-dir", _copy)).Code);
        Assert.Equal("rewrapped=1", await ScalarAsync("SELECT Reason FROM LedgerEntries WHERE Action = 'key.rotated'"));
    }

    [Fact]
    public async Task Offline_erasure_destroys_the_key_and_the_ledger_still_verifies()
    {
        LedgerDataFixture.CopyFolder(data.Pristine, _copy);
        var conversation = await ScalarAsync("SELECT Id FROM Conversations");

        var (code, output, error) = await CliRunner.RunAsync("gdpr", "erase", "--subject", conversation, "--reason", "Art. 17 request 42", "--data-dir", _copy);
        var (verifyCode, verifyOutput, verifyError) = await CliRunner.RunAsync("ledger", "verify", "--data-dir", _copy);

        Assert.True(code == 0, error);
        Assert.Contains("1 data key(s)", output, StringComparison.Ordinal);
        Assert.True(verifyCode == 0, verifyError);
        Assert.Contains("6 erased", verifyOutput, StringComparison.Ordinal);
        Assert.Equal("1", await ScalarAsync("SELECT COUNT(*) FROM LedgerEntries WHERE Action = 'gdpr.erased'"));
    }

    [Fact]
    public async Task Erasing_an_unknown_subject_exits_1_with_one_line()
    {
        LedgerDataFixture.CopyFolder(data.Pristine, _copy);

        var (code, _, error) = await CliRunner.RunAsync("gdpr", "erase", "--subject", Guid.NewGuid().ToString(), "--reason", "x", "--data-dir", _copy);

        Assert.Equal(1, code);
        Assert.Equal("vigil: The subject was not found.", error.Trim());
    }

    private async Task<string> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_copy, "vigil.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)!;
    }
}
