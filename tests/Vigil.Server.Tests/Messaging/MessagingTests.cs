using System.Net;
using System.Net.Http.Json;
using Vigil.Client;
using Vigil.Contracts;
using Vigil.Testing;

namespace Vigil.Server.Tests.Messaging;

public sealed class MessagingTests : IAsyncLifetime
{
    private readonly VigilServerFactory _factory = new();
    private VigilClient _alice = null!;
    private VigilClient _bob = null!;
    private UserDto _bobUser = null!;
    private ConversationDto _conversation = null!;

    public async Task InitializeAsync()
    {
        (_alice, _) = await _factory.UserAsync("alice");
        (_bob, _bobUser) = await _factory.UserAsync("bob");
        _conversation = await _alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Group, [_bobUser.Id], "Trial 042"));
    }

    public async Task DisposeAsync()
    {
        _alice.Dispose();
        _bob.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task Sent_message_has_the_wire_shape()
    {
        var http = await _factory.RawClientAsync(_alice);

        var response = await http.PostAsJsonAsync($"/api/v1/conversations/{_conversation.Id}/messages",
            new { clientMessageId = "m-1", body = "Dose *escalation* starts Monday" });
        var json = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(_conversation.Id, json.GetProperty("conversationId").GetGuid());
        Assert.Equal(1, json.GetProperty("sequence").GetInt64());
        Assert.Equal("Dose *escalation* starts Monday", json.GetProperty("body").GetString());
        Assert.NotEqual(Guid.Empty, json.GetProperty("id").GetGuid());
        Assert.NotEqual(Guid.Empty, json.GetProperty("senderId").GetGuid());
        Assert.True(json.TryGetProperty("sentAt", out _));
    }

    [Fact]
    public async Task Concurrent_sends_get_gapless_increasing_sequences()
    {
        var sends = Enumerable.Range(0, 200).Select(i =>
            (i % 2 == 0 ? _alice : _bob).SendMessageAsync(_conversation.Id, $"message {i}", clientMessageId: $"c-{i}"));

        var sent = await Task.WhenAll(sends);

        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), sent.Select(m => m.Sequence).Order());
        var listed = await _bob.GetMessagesAsync(_conversation.Id, after: 0, limit: 500);
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), listed.Select(m => m.Sequence));
    }

    [Fact]
    public async Task An_idempotent_retry_stores_one_message()
    {
        var first = await _alice.SendMessageAsync(_conversation.Id, "Lab results attached", clientMessageId: "retry-1");
        var retry = await _alice.SendMessageAsync(_conversation.Id, "Lab results attached", clientMessageId: "retry-1");

        Assert.Equal(first.Id, retry.Id);
        Assert.Equal(first.Sequence, retry.Sequence);
        Assert.Single(await _alice.GetMessagesAsync(_conversation.Id, after: 0));
    }

    [Fact]
    public async Task A_retry_answers_200_with_the_stored_message()
    {
        var http = await _factory.RawClientAsync(_alice);
        var path = $"/api/v1/conversations/{_conversation.Id}/messages";

        var first = await http.PostAsJsonAsync(path, new SendMessageRequest("same", "hello"));
        var second = await http.PostAsJsonAsync(path, new SendMessageRequest("same", "hello"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
    }

    [Fact]
    public async Task The_same_client_id_from_another_sender_is_a_different_message()
    {
        var fromAlice = await _alice.SendMessageAsync(_conversation.Id, "hi", clientMessageId: "shared-id");
        var fromBob = await _bob.SendMessageAsync(_conversation.Id, "hi", clientMessageId: "shared-id");

        Assert.NotEqual(fromAlice.Id, fromBob.Id);
    }

    [Fact]
    public async Task A_send_without_a_client_id_gets_a_time_ordered_one_from_the_sdk()
    {
        var sent = await _alice.SendMessageAsync(_conversation.Id, "Visit 3 moved to Friday");
        var retry = await _alice.SendMessageAsync(_conversation.Id, "Visit 3 moved to Friday", clientMessageId: sent.ClientMessageId);

        Assert.Equal(7, Guid.ParseExact(sent.ClientMessageId, "N").Version);
        Assert.Equal(sent.Id, retry.Id);
    }

    [Fact]
    public async Task The_same_client_id_in_another_conversation_is_a_different_message()
    {
        var other = await _alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Group, [_bobUser.Id], "Trial 043"));

        var first = await _alice.SendMessageAsync(_conversation.Id, "hi", clientMessageId: "shared-id");
        var second = await _alice.SendMessageAsync(other.Id, "hi", clientMessageId: "shared-id");

        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(1, second.Sequence);
    }

    [Fact]
    public async Task Retries_racing_in_one_group_commit_store_one_message_and_spare_their_neighbours()
    {
        // Queued together, the copies land in one optimistic batch: the unique index refuses the second copy, the
        // batch rolls back and is replayed command by command, where each copy finds the stored message.
        var sends = Enumerable.Range(0, 40).Select(i => i % 4 == 0
            ? _alice.SendMessageAsync(_conversation.Id, "Lab results attached", clientMessageId: "raced")
            : _bob.SendMessageAsync(_conversation.Id, $"neighbour {i}", clientMessageId: ClientMessageIds.New()));

        var sent = await Task.WhenAll(sends);

        Assert.Single(sent.Where(m => m.ClientMessageId == "raced").Select(m => m.Id).Distinct());
        var listed = await _bob.GetMessagesAsync(_conversation.Id, after: 0, limit: 100);
        Assert.Equal(31, listed.Count);
        Assert.Equal(Enumerable.Range(1, 31).Select(i => (long)i), listed.Select(m => m.Sequence));
    }

    [Fact]
    public async Task Edit_keeps_the_previous_version_in_history()
    {
        var sent = await _alice.SendMessageAsync(_conversation.Id, "Take 10 mg");
        var edited = await _alice.EditMessageAsync(sent.Id, "Take 5 mg", "Dose corrected per protocol v3");

        var history = await _bob.GetMessageHistoryAsync(sent.Id);

        Assert.Equal(2, edited.Version);
        Assert.Equal("Take 5 mg", edited.Body);
        Assert.Collection(history.Versions,
            v1 => Assert.Equal(("Take 10 mg", 1, (string?)null), (v1.Body, v1.Version, v1.Reason)),
            v2 => Assert.Equal(("Take 5 mg", 2, "Dose corrected per protocol v3"), (v2.Body, v2.Version, v2.Reason)));
        Assert.All(history.Versions, v => Assert.Equal(sent.SenderId, v.AuthorId));
    }

    [Fact]
    public async Task Only_the_sender_edits_a_message()
    {
        var sent = await _alice.SendMessageAsync(_conversation.Id, "mine");

        var refused = await Assert.ThrowsAsync<VigilApiException>(() => _bob.EditMessageAsync(sent.Id, "yours", "why not"));

        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
    }

    [Fact]
    public async Task An_edit_without_a_reason_is_refused()
    {
        var sent = await _alice.SendMessageAsync(_conversation.Id, "mine");

        var refused = await Assert.ThrowsAsync<VigilApiException>(() => _alice.EditMessageAsync(sent.Id, "changed", " "));

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
    }

    [Fact]
    public async Task Delete_leaves_a_tombstone_and_compliance_still_reads_the_content()
    {
        var sent = await _alice.SendMessageAsync(_conversation.Id, "Patient J.D. reported dizziness");
        await _alice.DeleteMessageAsync(sent.Id, "Posted in the wrong channel");
        var (compliance, _) = await _factory.UserAsync("auditor", VigilRoles.ComplianceOfficer);

        var listed = Assert.Single(await _bob.GetMessagesAsync(_conversation.Id, after: 0));
        var memberView = await _bob.GetMessageHistoryAsync(sent.Id);
        var complianceView = await compliance.GetMessageHistoryAsync(sent.Id);

        Assert.True(listed.Deleted);
        Assert.Null(listed.Body);
        Assert.Equal("Posted in the wrong channel", listed.DeletedReason);
        Assert.All(memberView.Versions, v => Assert.Null(v.Body));
        Assert.Equal("Patient J.D. reported dizziness", Assert.Single(complianceView.Versions).Body);
    }

    [Fact]
    public async Task A_deleted_message_cannot_be_edited()
    {
        var sent = await _alice.SendMessageAsync(_conversation.Id, "soon gone");
        await _alice.DeleteMessageAsync(sent.Id, "duplicate");

        var refused = await Assert.ThrowsAsync<VigilApiException>(() => _alice.EditMessageAsync(sent.Id, "back", "undo"));

        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
    }

    [Fact]
    public async Task Pages_go_forward_with_after_and_back_with_before()
    {
        for (var i = 1; i <= 30; i++)
        {
            await _alice.SendMessageAsync(_conversation.Id, $"m{i}");
        }

        var forward = await _alice.GetMessagesAsync(_conversation.Id, after: 10, limit: 5);
        var back = await _alice.GetMessagesAsync(_conversation.Id, before: 10, limit: 5);

        Assert.Equal([11L, 12, 13, 14, 15], forward.Select(m => m.Sequence));
        Assert.Equal([5L, 6, 7, 8, 9], back.Select(m => m.Sequence));
    }

    [Fact]
    public async Task A_reply_points_at_a_message_of_the_same_conversation()
    {
        var question = await _alice.SendMessageAsync(_conversation.Id, "Which site?");
        var answer = await _bob.SendMessageAsync(_conversation.Id, "Site 12", replyToId: question.Id);
        var other = await _alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Direct, [_bobUser.Id]));

        var refused = await Assert.ThrowsAsync<VigilApiException>(() => _bob.SendMessageAsync(other.Id, "wrong thread", replyToId: question.Id));

        Assert.Equal(question.Id, answer.ReplyToId);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
    }

    [Fact]
    public async Task Mentions_resolve_to_members_only()
    {
        await _factory.UserAsync("carol");

        var sent = await _alice.SendMessageAsync(_conversation.Id, "@bob please check; cc @carol and mail x@bob.org");

        Assert.Equal([_bobUser.Id], sent.Mentions);
    }

    [Fact]
    public async Task Read_markers_only_move_forward()
    {
        for (var i = 0; i < 3; i++)
        {
            await _alice.SendMessageAsync(_conversation.Id, $"m{i}");
        }

        Assert.Equal(3, (await _bob.MarkReadAsync(_conversation.Id, 3)).Sequence);
        Assert.Equal(3, (await _bob.MarkReadAsync(_conversation.Id, 1)).Sequence);
        Assert.Equal(3, (await _bob.MarkReadAsync(_conversation.Id, 99)).Sequence);
    }

    [Fact]
    public async Task Markdown_renders_to_sanitized_html()
    {
        var sent = await _alice.SendMessageAsync(_conversation.Id,
            "**Bold** <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>");
        var http = await _factory.RawClientAsync(_bob);

        var html = await http.GetStringAsync($"/api/v1/messages/{sent.Id}/html");

        Assert.Contains("<strong>Bold</strong>", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
    }
}
