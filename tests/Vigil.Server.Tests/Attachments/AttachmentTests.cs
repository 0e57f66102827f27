using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Vigil.Client;
using Vigil.Contracts;
using Vigil.Testing;

namespace Vigil.Server.Tests.Attachments;

public sealed class AttachmentTests : IAsyncLifetime
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3, 4];
    private readonly VigilServerFactory _factory = new(settings: new Dictionary<string, string?> { ["Vigil:Attachments:MaxBytes"] = "4096" });
    private VigilClient _alice = null!;
    private VigilClient _bob = null!;
    private ConversationDto _conversation = null!;

    public async Task InitializeAsync()
    {
        (_alice, _) = await _factory.UserAsync("alice");
        UserDto bob;
        (_bob, bob) = await _factory.UserAsync("bob");
        _conversation = await _alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Direct, [bob.Id]));
    }

    public async Task DisposeAsync()
    {
        _alice.Dispose();
        _bob.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task A_shared_file_is_stored_encrypted_and_downloaded_by_members()
    {
        var uploaded = await _alice.UploadAttachmentAsync(_conversation.Id, new MemoryStream(Png), "scan.png", "image/png");
        var sent = await _alice.SendMessageAsync(_conversation.Id, "Rash photo, day 3", attachmentIds: [uploaded.Id]);

        var downloaded = await _bob.DownloadAttachmentAsync(uploaded.Id);
        var listed = Assert.Single(await _bob.GetMessagesAsync(_conversation.Id));

        Assert.Equal(Png, downloaded);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Png)), uploaded.Sha256);
        var stored = Assert.Single(Directory.GetFiles(Path.Combine(_factory.DataDirectory, "attachments"), "*", SearchOption.AllDirectories));
        var blob = await File.ReadAllBytesAsync(stored);
        Assert.Equal(-1, blob.AsSpan().IndexOf(Png.AsSpan(0, 12)));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(blob)), Path.GetFileName(stored));
        Assert.Equal(uploaded.Id, Assert.Single(sent.Attachments).Id);
        Assert.Equal(uploaded.Id, Assert.Single(listed.Attachments).Id);
    }

    [Fact]
    public async Task A_large_file_round_trips_through_the_chunked_cipher()
    {
        await using var factory = new VigilServerFactory();
        var (alice, _) = await factory.UserAsync("alice");
        var (bob, bobUser) = await factory.UserAsync("bob");
        var direct = await alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Direct, [bobUser.Id]));
        var text = new byte[(3 * 64 * 1024) + 123];
        new Random(42).NextBytes(text);
        for (var i = 0; i < text.Length; i++)
        {
            text[i] = (byte)('a' + (text[i] % 26));
        }

        var uploaded = await alice.UploadAttachmentAsync(direct.Id, new MemoryStream(text), "log.txt", "text/plain");
        await alice.SendMessageAsync(direct.Id, "log", attachmentIds: [uploaded.Id]);

        Assert.Equal(text, await bob.DownloadAttachmentAsync(uploaded.Id));
        Assert.Equal(text.Length, uploaded.Size);
    }

    [Fact]
    public async Task A_tampered_file_is_not_served()
    {
        var uploaded = await _alice.UploadAttachmentAsync(_conversation.Id, new MemoryStream(Png), "scan.png", "image/png");
        await _alice.SendMessageAsync(_conversation.Id, "scan", attachmentIds: [uploaded.Id]);
        var stored = Assert.Single(Directory.GetFiles(Path.Combine(_factory.DataDirectory, "attachments"), "*", SearchOption.AllDirectories));
        var bytes = await File.ReadAllBytesAsync(stored);
        bytes[^20] ^= 0x01;
        await File.WriteAllBytesAsync(stored, bytes);

        await Assert.ThrowsAnyAsync<Exception>(() => _bob.DownloadAttachmentAsync(uploaded.Id));
    }

    [Fact]
    public async Task A_non_member_cannot_download()
    {
        var uploaded = await _alice.UploadAttachmentAsync(_conversation.Id, new MemoryStream(Png), "scan.png", "image/png");
        await _alice.SendMessageAsync(_conversation.Id, "see scan", attachmentIds: [uploaded.Id]);
        var (mallory, _) = await _factory.UserAsync("mallory");

        var refused = await Assert.ThrowsAsync<VigilApiException>(() => mallory.DownloadAttachmentAsync(uploaded.Id));

        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
    }

    [Fact]
    public async Task Content_that_does_not_match_its_declared_type_is_refused()
    {
        var script = "<script>alert(1)</script>"u8.ToArray();

        var refused = await Assert.ThrowsAsync<VigilApiException>(() =>
            _alice.UploadAttachmentAsync(_conversation.Id, new MemoryStream(script), "innocent.png", "image/png"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.Status);
    }

    [Fact]
    public async Task A_type_outside_the_allow_list_is_refused()
    {
        var refused = await Assert.ThrowsAsync<VigilApiException>(() =>
            _alice.UploadAttachmentAsync(_conversation.Id, new MemoryStream("MZ"u8.ToArray()), "tool.exe", "application/x-msdownload"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.Status);
    }

    [Fact]
    public async Task A_file_over_the_limit_is_refused_and_not_kept()
    {
        var big = new byte[5000];
        Png.CopyTo(big, 0);

        var refused = await Assert.ThrowsAsync<VigilApiException>(() =>
            _alice.UploadAttachmentAsync(_conversation.Id, new MemoryStream(big), "big.png", "image/png"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.Status);
        var stored = Directory.Exists(Path.Combine(_factory.DataDirectory, "attachments"))
            ? Directory.GetFiles(Path.Combine(_factory.DataDirectory, "attachments"), "*", SearchOption.AllDirectories)
            : [];
        Assert.Empty(stored);
    }

    [Fact]
    public async Task Someone_elses_upload_cannot_be_attached()
    {
        var uploaded = await _alice.UploadAttachmentAsync(_conversation.Id, new MemoryStream(Png), "scan.png", "image/png");

        var refused = await Assert.ThrowsAsync<VigilApiException>(() =>
            _bob.SendMessageAsync(_conversation.Id, "mine now", attachmentIds: [uploaded.Id]));

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
    }

    [Fact]
    public async Task An_upload_without_a_file_field_is_a_400_problem()
    {
        var http = await _factory.RawClientAsync(_alice);
        using var form = new MultipartFormDataContent { { new StringContent("x"), "other" } };

        var response = await http.PostAsync($"/api/v1/conversations/{_conversation.Id}/attachments", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await response.ProblemAsync();
    }

    [Fact]
    public async Task A_plain_text_upload_is_checked_as_utf8()
    {
        var http = await _factory.RawClientAsync(_alice);
        var binary = new ByteArrayContent([0x00, 0xFF, 0xFE, 0x00]);
        binary.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        using var form = new MultipartFormDataContent { { binary, "file", "notes.txt" } };

        var response = await http.PostAsync($"/api/v1/conversations/{_conversation.Id}/attachments", form);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }
}
