using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Client;
using Vigil.Contracts;
using Vigil.Server.Realtime;
using Vigil.Testing;

namespace Vigil.Client.Tests;

/// <summary>The SDK's promise to its consumer: every message of a tracked conversation once, in order, across disconnects.</summary>
public sealed class DeliveryTests : IAsyncLifetime
{
    private readonly VigilServerFactory _factory = new();
    private VigilClient _alice = null!;
    private VigilClient _bob = null!;
    private ConversationDto _conversation = null!;

    public async Task InitializeAsync()
    {
        (_alice, _) = await _factory.UserAsync("alice");
        UserDto bob;
        (_bob, bob) = await _factory.UserAsync("bob");
        _conversation = await _alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Group, [bob.Id], "Delivery"));
    }

    public async Task DisposeAsync()
    {
        _alice.Dispose();
        _bob.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task A_member_who_reconnects_catches_up_with_no_gap_and_no_duplicate()
    {
        var inbox = new EventRecorder<MessageDto>();
        IReadOnlyDictionary<Guid, long> cursors;
        await using (var first = _bob.CreateChatConnection(_factory.ChatOptions()))
        {
            first.MessageReceived += inbox.Record;
            await first.StartAsync();
            for (var i = 1; i <= 5; i++)
            {
                await _alice.SendMessageAsync(_conversation.Id, $"before {i}");
            }

            await inbox.WaitUntilAsync(m => m.Count == 5);
            cursors = new Dictionary<Guid, long>(first.Cursors);
        }

        for (var i = 1; i <= 20; i++)
        {
            await _alice.SendMessageAsync(_conversation.Id, $"while away {i}");
        }

        await using var second = _bob.CreateChatConnection(_factory.ChatOptions(resumeFrom: cursors));
        second.MessageReceived += inbox.Record;
        await second.StartAsync();
        var live = Enumerable.Range(1, 10).Select(i => _alice.SendMessageAsync(_conversation.Id, $"live {i}"));
        await Task.WhenAll(live);

        var delivered = await inbox.WaitUntilAsync(m => m.Count >= 35);
        await Task.Delay(300);
        Assert.Equal(Enumerable.Range(1, 35).Select(i => (long)i), inbox.Items.Select(m => m.Sequence));
    }

    [Fact]
    public async Task A_push_that_overtakes_an_earlier_one_waits_for_it_instead_of_a_fetch()
    {
        var inbox = new EventRecorder<MessageDto>();
        var options = _factory.ChatOptions();
        options.GapGrace = TimeSpan.FromSeconds(30); // longer than the test: a fetch could only come from the gap itself
        await using var connection = _bob.CreateChatConnection(options);
        connection.MessageReceived += inbox.Record;
        await connection.StartAsync();
        var first = await _alice.SendMessageAsync(_conversation.Id, "one");
        await inbox.WaitUntilAsync(m => m.Count == 1);

        // As from another node: the push of sequence 3 arrives before the push of sequence 2 is even committed.
        var hub = _factory.Services.GetRequiredService<IHubContext<ChatHub, IChatClient>>();
        await hub.Clients.Group(ChatGroups.Conversation(_conversation.Id)).MessageCreated(first with { Sequence = 3, Body = "three, overtaking" });
        await Task.Delay(300);
        await _alice.SendMessageAsync(_conversation.Id, "two");

        var delivered = await inbox.WaitUntilAsync(m => m.Count == 3);
        Assert.Equal([1L, 2, 3], delivered.Select(m => m.Sequence));
        // Held and released after "two" came by push; a fetch at the gap would have found nothing and dropped it.
        Assert.Equal("three, overtaking", delivered[2].Body);
    }

    [Fact]
    public async Task A_catch_up_that_fails_is_tried_again_until_it_delivers()
    {
        for (var i = 1; i <= 3; i++)
        {
            await _alice.SendMessageAsync(_conversation.Id, $"m{i}");
        }

        using var network = new MessageReadsHandler(_factory.Server.CreateHandler());
        using var bob = new VigilClient(_factory.Server.BaseAddress, network) { SendRetries = 0 };
        await bob.SignInAsync("bob", VigilServerFactory.UserPassword);
        var inbox = new EventRecorder<MessageDto>();
        var errors = new EventRecorder<Exception?>();
        await using var connection = bob.CreateChatConnection(_factory.ChatOptions());
        connection.MessageReceived += inbox.Record;
        connection.Error += errors.Record;
        await connection.StartAsync();

        network.Failing = true;
        connection.Track(_conversation.Id, 0);
        await errors.WaitUntilAsync(e => e.Count >= 1);
        Assert.Empty(inbox.Items);
        network.Failing = false;

        var delivered = await inbox.WaitUntilAsync(m => m.Count == 3);
        Assert.Equal([1L, 2, 3], delivered.Select(m => m.Sequence));
    }

    [Fact]
    public async Task On_start_only_conversations_that_moved_since_the_cursors_are_fetched()
    {
        var (carol, _) = await _factory.UserAsync("carol");
        using (carol)
        {
            var quiet = await carol.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Group, [(await _bob.GetMeAsync()).Id], "Quiet"));
            await carol.SendMessageAsync(quiet.Id, "old news");
            for (var i = 1; i <= 3; i++)
            {
                await _alice.SendMessageAsync(_conversation.Id, $"while away {i}");
            }

            using var network = new MessageReadsHandler(_factory.Server.CreateHandler());
            using var bob = new VigilClient(_factory.Server.BaseAddress, network);
            await bob.SignInAsync("bob", VigilServerFactory.UserPassword);
            var inbox = new EventRecorder<MessageDto>();
            await using var connection = bob.CreateChatConnection(_factory.ChatOptions(resumeFrom: new Dictionary<Guid, long> { [_conversation.Id] = 1, [quiet.Id] = 1 }));
            connection.MessageReceived += inbox.Record;
            await connection.StartAsync();

            var delivered = await inbox.WaitUntilAsync(m => m.Count == 2);
            await Task.Delay(300);
            Assert.Equal([2L, 3], delivered.Select(m => m.Sequence));
            Assert.All(delivered, m => Assert.Equal(_conversation.Id, m.ConversationId));
            Assert.Equal(1, network.Reads); // the quiet conversation was not read
            Assert.Equal(1, connection.Cursors[quiet.Id]);
        }
    }

    [Fact]
    public async Task Catch_up_pages_through_a_long_absence()
    {
        for (var i = 1; i <= 1200; i++)
        {
            await _alice.SendMessageAsync(_conversation.Id, $"m{i}");
        }

        var inbox = new EventRecorder<MessageDto>();
        await using var connection = _bob.CreateChatConnection(_factory.ChatOptions(resumeFrom: new Dictionary<Guid, long> { [_conversation.Id] = 0 }));
        connection.MessageReceived += inbox.Record;
        await connection.StartAsync();

        await inbox.WaitUntilAsync(m => m.Count == 1200, TimeSpan.FromSeconds(60));
        Assert.Equal(Enumerable.Range(1, 1200).Select(i => (long)i), inbox.Items.Select(m => m.Sequence));
    }

    [Fact]
    public async Task Track_delivers_history_after_a_given_sequence()
    {
        for (var i = 1; i <= 4; i++)
        {
            await _alice.SendMessageAsync(_conversation.Id, $"m{i}");
        }

        var inbox = new EventRecorder<MessageDto>();
        await using var connection = _bob.CreateChatConnection(_factory.ChatOptions());
        connection.MessageReceived += inbox.Record;
        await connection.StartAsync();

        connection.Track(_conversation.Id, 2);

        Assert.Equal([3L, 4], (await inbox.WaitUntilAsync(m => m.Count == 2)).Select(m => m.Sequence));
    }

    [Fact]
    public async Task The_connections_own_sends_reach_its_consumer_in_turn_without_a_catch_up()
    {
        using var network = new MessageReadsHandler(_factory.Server.CreateHandler());
        using var bob = new VigilClient(_factory.Server.BaseAddress, network);
        await bob.SignInAsync("bob", VigilServerFactory.UserPassword);
        var inbox = new EventRecorder<MessageDto>();
        await using var connection = bob.CreateChatConnection(_factory.ChatOptions());
        connection.MessageReceived += inbox.Record;
        await connection.StartAsync();

        for (var i = 1; i <= 3; i++)
        {
            await connection.SendMessageAsync(_conversation.Id, $"from Bob {i}");
            await _alice.SendMessageAsync(_conversation.Id, $"from Alice {i}");
        }

        var delivered = await inbox.WaitUntilAsync(m => m.Count == 6);
        await Task.Delay(300); // past the gap grace: nothing more arrives, and nothing was fetched
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), inbox.Items.Select(m => m.Sequence));
        Assert.Equal(["from Bob 1", "from Alice 1", "from Bob 2", "from Alice 2", "from Bob 3", "from Alice 3"], delivered.Select(m => m.Body));
        Assert.Equal(0, network.Reads);
    }

    [Fact]
    public async Task Own_sends_racing_the_other_members_pushes_are_delivered_once_and_in_order()
    {
        var inbox = new EventRecorder<MessageDto>();
        await using var connection = _bob.CreateChatConnection(_factory.ChatOptions());
        connection.MessageReceived += inbox.Record;
        await connection.StartAsync();

        var bobSends = Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                await connection.SendMessageAsync(_conversation.Id, $"from Bob {i}");
            }
        });
        var aliceSends = Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                await _alice.SendMessageAsync(_conversation.Id, $"from Alice {i}");
            }
        });
        await Task.WhenAll(bobSends, aliceSends);

        await inbox.WaitUntilAsync(m => m.Count == 40);
        await Task.Delay(300);
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), inbox.Items.Select(m => m.Sequence));
    }

    [Fact]
    public async Task A_send_retried_with_the_same_client_id_is_stored_once()
    {
        await using var connection = _alice.CreateChatConnection(_factory.ChatOptions());
        await connection.StartAsync();

        var first = await connection.SendMessageAsync(_conversation.Id, "once", clientMessageId: "fixed");
        var second = await connection.SendMessageAsync(_conversation.Id, "once", clientMessageId: "fixed");
        var overRest = await _alice.SendMessageAsync(_conversation.Id, "once", clientMessageId: "fixed");

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.Id, overRest.Id);
        Assert.Single(await _bob.GetMessagesAsync(_conversation.Id));
    }

    [Fact]
    public async Task Sends_fall_back_to_rest_while_the_hub_is_down()
    {
        await using var connection = _alice.CreateChatConnection(_factory.ChatOptions());

        var sent = await connection.SendMessageAsync(_conversation.Id, "not connected yet");

        Assert.Equal(1, sent.Sequence);
    }

    /// <summary>Counts reads of messages, and fails them with 503 while <see cref="Failing"/>, as a node that is down.</summary>
    private sealed class MessageReadsHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private int _reads;

        public volatile bool Failing;

        public int Reads => Volatile.Read(ref _reads);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method != HttpMethod.Get || !request.RequestUri!.AbsolutePath.EndsWith("/messages", StringComparison.Ordinal))
            {
                return base.SendAsync(request, cancellationToken);
            }

            Interlocked.Increment(ref _reads);
            return Failing ? Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable)) : base.SendAsync(request, cancellationToken);
        }
    }
}
