using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Vigil.Client;
using Vigil.Contracts;
using Vigil.Testing;

namespace Vigil.Server.Tests.Realtime;

public sealed class ChatHubTests : IAsyncLifetime
{
    private readonly VigilServerFactory _factory = new();
    private VigilClient _alice = null!;
    private VigilClient _bob = null!;
    private UserDto _aliceUser = null!;
    private UserDto _bobUser = null!;
    private ConversationDto _conversation = null!;

    public async Task InitializeAsync()
    {
        (_alice, _aliceUser) = await _factory.UserAsync("alice");
        (_bob, _bobUser) = await _factory.UserAsync("bob");
        _conversation = await _alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Direct, [_bobUser.Id]));
    }

    public async Task DisposeAsync()
    {
        _alice.Dispose();
        _bob.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task Two_users_exchange_messages_in_real_time()
    {
        await using var aliceChat = _alice.CreateChatConnection(_factory.ChatOptions());
        await using var bobChat = _bob.CreateChatConnection(_factory.ChatOptions());
        var aliceInbox = new EventRecorder<MessageDto>();
        var bobInbox = new EventRecorder<MessageDto>();
        aliceChat.MessageReceived += aliceInbox.Record;
        bobChat.MessageReceived += bobInbox.Record;
        await aliceChat.StartAsync();
        await bobChat.StartAsync();

        var question = await aliceChat.SendMessageAsync(_conversation.Id, "Are the cold-chain logs in?");
        await bobInbox.WaitUntilAsync(m => m.Count == 1);
        var answer = await bobChat.SendMessageAsync(_conversation.Id, "Yes, uploaded this morning.");
        await aliceInbox.WaitUntilAsync(m => m.Count == 2);

        Assert.Equal(question.Id, bobInbox.Items[0].Id);
        Assert.Equal("Are the cold-chain logs in?", bobInbox.Items[0].Body);
        Assert.Equal([question.Id, answer.Id], aliceInbox.Items.Select(m => m.Id));
    }

    [Fact]
    public async Task The_messagepack_protocol_carries_the_same_messages()
    {
        var options = _factory.ChatOptions();
        options.UseMessagePack = true;
        await using var aliceChat = _alice.CreateChatConnection(options);
        var bobOptions = _factory.ChatOptions();
        bobOptions.UseMessagePack = true;
        await using var bobChat = _bob.CreateChatConnection(bobOptions);
        var inbox = new EventRecorder<MessageDto>();
        bobChat.MessageReceived += inbox.Record;
        await aliceChat.StartAsync();
        await bobChat.StartAsync();

        var sent = await aliceChat.SendMessageAsync(_conversation.Id, "Binary frames, same record \U0001F48A");

        var received = (await inbox.WaitUntilAsync(m => m.Count == 1))[0];
        Assert.Equal(sent.Id, received.Id);
        Assert.Equal("Binary frames, same record \U0001F48A", received.Body);
        Assert.Equal(sent.SentAt, received.SentAt);
    }

    [Fact]
    public async Task Edits_deletes_typing_and_read_receipts_are_pushed()
    {
        await using var bobChat = _bob.CreateChatConnection(_factory.ChatOptions());
        await using var aliceChat = _alice.CreateChatConnection(_factory.ChatOptions());
        var edits = new EventRecorder<MessageDto>();
        var deletes = new EventRecorder<MessageDto>();
        var typing = new EventRecorder<TypingDto>();
        var receipts = new EventRecorder<ReadReceiptDto>();
        bobChat.MessageEdited += edits.Record;
        bobChat.MessageDeleted += deletes.Record;
        bobChat.Typing += typing.Record;
        aliceChat.ReadReceipt += receipts.Record;
        await bobChat.StartAsync();
        await aliceChat.StartAsync();

        var sent = await aliceChat.SendMessageAsync(_conversation.Id, "Visit at 10:00");
        await aliceChat.SendTypingAsync(_conversation.Id);
        await _alice.EditMessageAsync(sent.Id, "Visit at 11:00", "Rescheduled");
        await _alice.DeleteMessageAsync(sent.Id, "Visit cancelled");
        await bobChat.MarkReadAsync(_conversation.Id, sent.Sequence);

        Assert.Equal("Visit at 11:00", (await edits.WaitUntilAsync(e => e.Count == 1))[0].Body);
        Assert.True((await deletes.WaitUntilAsync(e => e.Count == 1))[0].Deleted);
        Assert.Equal(_aliceUser.Id, (await typing.WaitUntilAsync(e => e.Count == 1))[0].UserId);
        Assert.Equal(sent.Sequence, (await receipts.WaitUntilAsync(e => e.Count == 1))[0].Sequence);
    }

    [Fact]
    public async Task Presence_follows_connections()
    {
        await using var aliceChat = _alice.CreateChatConnection(_factory.ChatOptions());
        var presence = new EventRecorder<PresenceDto>();
        aliceChat.PresenceChanged += presence.Record;
        await aliceChat.StartAsync();

        var bobChat = _bob.CreateChatConnection(_factory.ChatOptions());
        await bobChat.StartAsync();
        await presence.WaitUntilAsync(p => p.Any(e => e.UserId == _bobUser.Id && e.Status == PresenceStatuses.Online));
        await bobChat.SetPresenceAsync(PresenceStatuses.Away);
        await presence.WaitUntilAsync(p => p.Any(e => e.UserId == _bobUser.Id && e.Status == PresenceStatuses.Away));
        await bobChat.DisposeAsync();

        await presence.WaitUntilAsync(p => p.Any(e => e.UserId == _bobUser.Id && e.Status == PresenceStatuses.Offline));
    }

    [Fact]
    public async Task Current_presence_lists_connected_conversation_partners_only()
    {
        var (carol, _) = await _factory.UserAsync("carol");
        using (carol)
        {
            Assert.Empty(await _alice.GetPresenceAsync());
            await using var bobChat = _bob.CreateChatConnection(_factory.ChatOptions());
            await bobChat.StartAsync();
            await using var carolChat = carol.CreateChatConnection(_factory.ChatOptions());
            await carolChat.StartAsync();
            await bobChat.SetPresenceAsync(PresenceStatuses.Away);

            // Bob shares a conversation with Alice; Carol is online but shares none, so Alice does not learn of her.
            var now = await _alice.GetPresenceAsync();
            var bob = Assert.Single(now);
            Assert.Equal(_bobUser.Id, bob.UserId);
            Assert.Equal(PresenceStatuses.Away, bob.Status);
        }
    }

    [Fact]
    public async Task A_mention_notifies_the_mentioned_member()
    {
        await using var bobChat = _bob.CreateChatConnection(_factory.ChatOptions());
        var mentions = new EventRecorder<MessageDto>();
        bobChat.Mentioned += mentions.Record;
        await bobChat.StartAsync();

        await _alice.SendMessageAsync(_conversation.Id, "@bob can you sign the deviation report?");

        Assert.Contains(_bobUser.Id, (await mentions.WaitUntilAsync(m => m.Count == 1))[0].Mentions);
    }

    [Fact]
    public async Task A_new_conversation_reaches_a_connected_member()
    {
        var (carol, carolUser) = await _factory.UserAsync("carol");
        await using var carolChat = carol.CreateChatConnection(_factory.ChatOptions());
        var added = new EventRecorder<ConversationDto>();
        var inbox = new EventRecorder<MessageDto>();
        carolChat.ConversationAdded += added.Record;
        carolChat.MessageReceived += inbox.Record;
        await carolChat.StartAsync();

        var group = await _alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Group, [carolUser.Id], "New study"));
        await added.WaitUntilAsync(c => c.Count == 1);
        await _alice.SendMessageAsync(group.Id, "Welcome to the study workspace");

        Assert.Equal("Welcome to the study workspace", (await inbox.WaitUntilAsync(m => m.Count == 1))[0].Body);
    }

    [Fact]
    public async Task A_non_member_send_over_the_hub_is_a_hub_error()
    {
        var (mallory, _) = await _factory.UserAsync("mallory");
        await using var malloryChat = mallory.CreateChatConnection(_factory.ChatOptions());
        await malloryChat.StartAsync();

        var refused = await Assert.ThrowsAsync<VigilApiException>(() => malloryChat.SendMessageAsync(_conversation.Id, "hello?"));

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.Status);
        Assert.Empty(await _alice.GetMessagesAsync(_conversation.Id));
    }

    [Fact]
    public async Task The_official_client_connects_with_the_access_token_query_parameter()
    {
        var connection = OfficialClient(await _bob.GetAccessTokenAsync());
        var received = new EventRecorder<MessageDto>();
        connection.On<MessageDto>(nameof(IChatClient.MessageCreated), received.Record);
        await connection.StartAsync();

        var sent = await connection.InvokeAsync<MessageDto>(ChatHubContract.SendMessage, _conversation.Id, new SendMessageRequest("hub-1", "via hub"));

        Assert.Equal(1, sent.Sequence);
        Assert.Equal(sent.Id, (await received.WaitUntilAsync(m => m.Count == 1))[0].Id);
        await connection.DisposeAsync();
    }

    [Fact]
    public async Task The_hub_refuses_a_connection_without_a_token()
    {
        var connection = OfficialClient(token: null);

        await Assert.ThrowsAnyAsync<Exception>(() => connection.StartAsync());
        await connection.DisposeAsync();
    }

    [Fact]
    public async Task An_oversize_body_over_the_hub_is_a_clear_hub_error()
    {
        await using var aliceChat = _alice.CreateChatConnection(_factory.ChatOptions());
        await aliceChat.StartAsync();

        var refused = await Assert.ThrowsAsync<VigilApiException>(() => aliceChat.SendMessageAsync(_conversation.Id, new string('x', 16_001)));

        Assert.Equal(System.Net.HttpStatusCode.RequestEntityTooLarge, refused.Status);
        Assert.Contains("16000", refused.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hub_errors_do_not_hide_behind_generic_text()
    {
        var connection = OfficialClient(await _alice.GetAccessTokenAsync());
        await connection.StartAsync();

        var error = await Assert.ThrowsAsync<HubException>(() =>
            connection.InvokeAsync<MessageDto>(ChatHubContract.SendMessage, _conversation.Id, new SendMessageRequest("", "no id")));

        Assert.Contains("clientMessageId", error.Message, StringComparison.Ordinal);
        await connection.DisposeAsync();
    }

    [Fact]
    public async Task An_open_hub_connection_stops_working_after_sign_out_everywhere()
    {
        await using var bobChat = _bob.CreateChatConnection(_factory.ChatOptions());
        await bobChat.StartAsync();
        await bobChat.SendMessageAsync(_conversation.Id, "still here");

        using var other = _factory.CreateVigilClient();
        await other.SignInAsync("bob", VigilServerFactory.UserPassword);
        await other.SignOutEverywhereAsync();

        // The server answers with a hub error and closes the connection; the client sees one or the other.
        await Assert.ThrowsAnyAsync<Exception>(() => bobChat.SendTypingAsync(_conversation.Id));
        await Assert.ThrowsAnyAsync<Exception>(() => bobChat.SendTypingAsync(_conversation.Id));
    }

    /// <summary>The official SignalR .NET client, not the SDK: proves the wire contract (token in the query string).</summary>
    private HubConnection OfficialClient(string? token) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(_factory.Server.BaseAddress, ChatHubContract.Path), options =>
            {
                options.Transports = HttpTransportType.LongPolling;
                options.HttpMessageHandlerFactory = _ => _factory.Server.CreateHandler();
                if (token is not null)
                {
                    options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                }
            })
            .Build();
}
