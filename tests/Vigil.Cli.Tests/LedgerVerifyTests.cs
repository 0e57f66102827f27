using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Contracts;
using Vigil.Ledger;
using Vigil.Server.Ledger;
using Vigil.Testing;

namespace Vigil.Cli.Tests;

/// <summary>A data folder with real activity and a signed checkpoint, copied once; each test tampers with its own copy.</summary>
public sealed class LedgerDataFixture : IAsyncLifetime
{
    public string Pristine { get; } = Directory.CreateTempSubdirectory("vigil-ledger-pristine-").FullName;

    public async Task InitializeAsync()
    {
        await using var factory = new VigilServerFactory();
        var (alice, _) = await factory.UserAsync("alice");
        var (bob, bobUser) = await factory.UserAsync("bob");
        var conversation = await alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Group, [bobUser.Id], "Dosing"));
        var dose = await alice.SendMessageAsync(conversation.Id, "Take 10 mg");
        await alice.EditMessageAsync(dose.Id, "Take 5 mg", "Corrected per protocol v3");
        await alice.SignMessageAsync(dose.Id, SignatureMeanings.Approved, VigilServerFactory.UserPassword, version: 2);
        await bob.SendMessageAsync(conversation.Id, "Understood");
        var wrong = await bob.SendMessageAsync(conversation.Id, "Wrong chat, sorry");
        await bob.DeleteMessageAsync(wrong.Id, "Posted in the wrong conversation");
        await alice.SendMessageAsync(conversation.Id, "Last one");
        var report = await alice.UploadAttachmentAsync(conversation.Id, new MemoryStream("Deviation report DR-7: none"u8.ToArray()), "dr7.txt", "text/plain");
        await alice.SendMessageAsync(conversation.Id, "Report attached", attachmentIds: [report.Id]);
        await bob.SignAttachmentAsync(report.Id, SignatureMeanings.Reviewed, VigilServerFactory.UserPassword);
        await factory.Services.GetRequiredService<LedgerCheckpointService>().CheckpointAsync(force: true, CancellationToken.None);

        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(factory.DataDirectory, "vigil.db")}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            await command.ExecuteNonQueryAsync();
        }

        SqliteConnection.ClearAllPools();
        CopyFolder(factory.DataDirectory, Pristine);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Pristine, recursive: true);
        return Task.CompletedTask;
    }

    public static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }
}

public sealed class LedgerVerifyTests(LedgerDataFixture data) : IClassFixture<LedgerDataFixture>, IDisposable
{
    private readonly string _copy = Directory.CreateTempSubdirectory("vigil-ledger-copy-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_copy, recursive: true);
    }

    [Fact]
    public async Task An_untouched_copy_verifies()
    {
        LedgerDataFixture.CopyFolder(data.Pristine, _copy);

        var (code, output, error) = await VerifyAsync();

        Assert.True(code == 0, error);
        Assert.Contains("Ledger verified", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_re_encrypted_by_someone_holding_the_keys_is_detected()
    {
        LedgerDataFixture.CopyFolder(data.Pristine, _copy);
        await ReplaceBodyAsync(sequence: 1, "Take 50 mg");

        var (code, _, error) = await VerifyAsync();

        Assert.Equal(2, code);
        Assert.Contains("version 2 does not match its commitment", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ciphertext_moved_to_another_message_is_detected() =>
        await AssertDetectedAsync("UPDATE Messages SET Body = (SELECT Body FROM Messages WHERE Sequence = 4) WHERE Sequence = 2;", "cannot be decrypted");

    [Fact]
    public async Task A_changed_earlier_version_is_detected() =>
        await AssertDetectedAsync("UPDATE MessageVersions SET Body = 'Take 1 mg';", "version 1 cannot be decrypted");

    [Fact]
    public async Task The_database_file_holds_no_plaintext_body()
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(data.Pristine, "vigil.db"));

        Assert.Equal(-1, bytes.AsSpan().IndexOf("Take 5 mg"u8));
        Assert.Equal(-1, bytes.AsSpan().IndexOf("Understood"u8));
        Assert.Equal(-1, bytes.AsSpan().IndexOf("Wrong chat"u8));
    }

    [Fact]
    public async Task A_changed_entry_timestamp_is_detected() =>
        await AssertDetectedAsync("UPDATE LedgerEntries SET RecordedAt = RecordedAt + 10000000 WHERE Sequence = 3;", "entry 3");

    [Fact]
    public async Task A_changed_message_timestamp_is_detected() =>
        await AssertDetectedAsync("UPDATE Messages SET SentAt = SentAt - 36000000000 WHERE Sequence = 2;", "does not match its commitment");

    [Fact]
    public async Task A_deleted_entry_is_detected() =>
        await AssertDetectedAsync("DELETE FROM LedgerEntries WHERE Sequence = 2;", "entry 2 is missing");

    [Fact]
    public async Task Two_swapped_entries_are_detected() =>
        await AssertDetectedAsync(SwapSql(4, 5), "entry 4");

    [Fact]
    public async Task Swapped_entries_with_recomputed_leaf_hashes_still_break_the_signed_root()
    {
        LedgerDataFixture.CopyFolder(data.Pristine, _copy);
        await ExecuteAsync(SwapSql(4, 5));
        await RehashAsync();

        var (code, _, error) = await VerifyAsync();

        Assert.Equal(2, code);
        Assert.Contains("history rewritten", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_tail_is_detected() =>
        await AssertDetectedAsync("DELETE FROM LedgerEntries WHERE Sequence >= (SELECT MAX(Sequence) - 1 FROM LedgerEntries);", "removed from the end");

    [Fact]
    public async Task A_forged_checkpoint_is_detected() =>
        await AssertDetectedAsync(
            "INSERT INTO LedgerCheckpoints (TreeSize, RootHash, IssuedAt, Signature) SELECT TreeSize + 1000, RootHash, IssuedAt, Signature FROM LedgerCheckpoints;",
            "signature is not valid");

    [Fact]
    public async Task A_removed_message_is_detected() =>
        await AssertDetectedAsync("DELETE FROM Messages WHERE Sequence = 4;", "missing from the tables");

    [Fact]
    public async Task An_undone_deletion_is_detected() =>
        await AssertDetectedAsync("UPDATE Messages SET DeletedAt = NULL, DeletedBy = NULL, DeletedReason = NULL WHERE DeletedAt IS NOT NULL;", "deletion undone");

    [Fact]
    public async Task A_changed_signature_meaning_is_detected() =>
        await AssertDetectedAsync("UPDATE Signatures SET Meaning = 'reviewed';", "does not match its ledger entry");

    [Fact]
    public async Task A_changed_signer_name_is_detected() =>
        await AssertDetectedAsync("UPDATE Signatures SET SignerName = 'Someone Else';", "does not match its ledger entry");

    [Fact]
    public async Task A_signature_moved_to_another_version_is_detected() =>
        await AssertDetectedAsync("UPDATE Signatures SET Version = 1 WHERE MessageId IS NOT NULL;", "no longer has the content that was signed");

    [Fact]
    public async Task A_renamed_signed_attachment_is_detected() =>
        await AssertDetectedAsync("UPDATE Attachments SET FileName = 'other.txt';", "signed attachment");

    [Fact]
    public async Task A_removed_signature_is_detected() =>
        await AssertDetectedAsync("DELETE FROM Signatures;", "missing from the tables");

    [Fact]
    public async Task A_folder_without_a_database_is_a_clear_error()
    {
        var (code, _, error) = await VerifyAsync();

        Assert.Equal(1, code);
        Assert.StartsWith("vigil: no Vigil database", error, StringComparison.Ordinal);
    }

    private static string SwapSql(long a, long b) => $"""
        UPDATE LedgerEntries SET Sequence = -1 WHERE Sequence = {a};
        UPDATE LedgerEntries SET Sequence = {a} WHERE Sequence = {b};
        UPDATE LedgerEntries SET Sequence = {b} WHERE Sequence = -1;
        """;

    private async Task AssertDetectedAsync(string tamper, string expected)
    {
        LedgerDataFixture.CopyFolder(data.Pristine, _copy);
        await ExecuteAsync(tamper);

        var (code, _, error) = await VerifyAsync();

        Assert.Equal(2, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>A forger who holds the keys: decrypts nothing, simply encrypts a new body properly for that message.</summary>
    private async Task ReplaceBodyAsync(long sequence, string body)
    {
        await using var services = DataDirectoryTarget.BuildServices(_copy);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Vigil.Server.Data.VigilDbContext>();
        var message = db.Messages.Single(m => m.Sequence == sequence);
        var conversation = db.Conversations.Single(c => c.Id == message.ConversationId);
        var key = await scope.ServiceProvider.GetRequiredService<Vigil.Server.Keys.DataKeyStore>()
            .GetAsync(db, Vigil.Server.Keys.DataKeyStore.SubjectOf(conversation), CancellationToken.None);
        message.Body = Vigil.Server.Keys.ContentCipher.Encrypt(key!, message.Id, body);
        await db.SaveChangesAsync();
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_copy, "vigil.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>What a careful forger does next: recompute every stored leaf hash from the (altered) fields.</summary>
    private async Task RehashAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_copy, "vigil.db")};Pooling=False");
        await connection.OpenAsync();
        var rows = new List<LedgerEntryData>();
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT Sequence, RecordedAt, ActorId, Action, Target, Reason, Commitment FROM LedgerEntries ORDER BY Sequence";
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add(new LedgerEntryData(
                    reader.GetInt64(0), new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero),
                    reader.IsDBNull(2) ? null : Guid.Parse(reader.GetString(2)), reader.GetString(3), reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
            }
        }

        foreach (var row in rows)
        {
            await using var update = connection.CreateCommand();
            update.CommandText = "UPDATE LedgerEntries SET LeafHash = $hash WHERE Sequence = $seq";
            update.Parameters.AddWithValue("$hash", Convert.ToHexStringLower(row.LeafHash()));
            update.Parameters.AddWithValue("$seq", row.Sequence);
            await update.ExecuteNonQueryAsync();
        }
    }

    private Task<(int Code, string Output, string Error)> VerifyAsync() => CliRunner.RunAsync("ledger", "verify", "--data-dir", _copy);
}
