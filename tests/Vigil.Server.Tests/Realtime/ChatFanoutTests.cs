using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Contracts;
using Vigil.Server.Messaging;
using Vigil.Server.Realtime;

namespace Vigil.Server.Tests.Realtime;

/// <summary>
/// The fan-out against a hub whose sends finish only when the test says so, as sends behind the Redis backplane
/// finish when Redis answers.
/// </summary>
public sealed class ChatFanoutTests : IAsyncLifetime
{
    private static readonly Guid Conversation = Guid.Parse("0e4c4a43-0a58-4a4e-9a52-2f3f0f5b7a11");
    private readonly HeldSends _sends = new();
    private readonly ChatFanout _fanout;

    public ChatFanoutTests() =>
        _fanout = new ChatFanout(new HeldHubContext(_sends), new NoMembership(), NullLogger<ChatFanout>.Instance);

    public Task InitializeAsync() => _fanout.StartAsync(CancellationToken.None);

    public async Task DisposeAsync()
    {
        _sends.ReleaseAll();
        await _fanout.StopAsync(CancellationToken.None);
        _fanout.Dispose();
    }

    [Fact]
    public async Task Later_events_are_sent_before_earlier_sends_finish_and_in_commit_order()
    {
        _fanout.Publish([Created(1), Created(2), Created(3)]);

        await _sends.WaitForCountAsync(3);

        Assert.Equal(["c:MessageCreated:1", "c:MessageCreated:2", "c:MessageCreated:3"], _sends.Started.Select(Describe));
    }

    [Fact]
    public async Task At_most_the_limit_of_events_wait_for_their_sends_and_the_next_goes_when_the_oldest_finishes()
    {
        _fanout.Publish([.. Enumerable.Range(1, ChatFanout.MaxEventsInFlight + 5).Select(i => Created(i))]);
        await _sends.WaitForCountAsync(ChatFanout.MaxEventsInFlight);
        await Task.Delay(200);
        Assert.Equal(ChatFanout.MaxEventsInFlight, _sends.Started.Count);

        _sends.Release(0);

        await _sends.WaitForCountAsync(ChatFanout.MaxEventsInFlight + 1);
        Assert.Equal(ChatFanout.MaxEventsInFlight + 1, _sends.Started[^1].Message!.Sequence);
    }

    [Fact]
    public async Task A_failed_send_does_not_stop_the_events_after_it()
    {
        _fanout.Publish([Created(1)]);
        await _sends.WaitForCountAsync(1);
        _sends.Fail(0);

        _fanout.Publish([Created(2)]);

        await _sends.WaitForCountAsync(2);
        Assert.Equal(2, _sends.Started[1].Message!.Sequence);
    }

    [Fact]
    public async Task Mentioned_users_are_told_without_waiting_for_the_members_push()
    {
        var mentioned = Guid.Parse("5b0e1f9c-63a5-4a0e-8d2e-0c3a9d2b6f44");

        _fanout.Publish([Created(1, mentioned), new ReadReceiptEvent(new ReadReceiptDto(Conversation, mentioned, 1))]);

        await _sends.WaitForCountAsync(3);
        Assert.Equal(
            ["c:MessageCreated:1", $"u:{mentioned:N}:Mentioned:1", "c:ReadReceipt:1"],
            _sends.Started.Select(Describe));
    }

    private static string Describe(HeldSend send) =>
        (send.Group.StartsWith("c:", StringComparison.Ordinal) ? "c" : send.Group) + ":" + send.Method + ":" +
        (send.Message?.Sequence ?? send.Receipt!.Sequence);

    private static MessageCreatedEvent Created(long sequence, params Guid[] mentions) => new(new MessageDto(
        Guid.NewGuid(), Conversation, sequence, Guid.Empty, "body", DateTimeOffset.UnixEpoch, $"client-{sequence}", null, 1, null,
        false, null, null, null, mentions, []));

    private sealed record HeldSend(string Group, string Method, MessageDto? Message, ReadReceiptDto? Receipt)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Every send the fan-out starts, in the order it started them; none finishes until released.</summary>
    private sealed class HeldSends
    {
        private readonly Lock _lock = new();
        private readonly List<HeldSend> _started = [];
        private bool _releaseAll;

        public IReadOnlyList<HeldSend> Started
        {
            get
            {
                lock (_lock)
                {
                    return [.. _started];
                }
            }
        }

        public Task Start(string group, string method, MessageDto? message, ReadReceiptDto? receipt)
        {
            var send = new HeldSend(group, method, message, receipt);
            lock (_lock)
            {
                _started.Add(send);
                if (_releaseAll)
                {
                    send.Done.SetResult();
                }
            }

            return send.Done.Task;
        }

        public void Release(int index) => Started[index].Done.TrySetResult();

        public void Fail(int index) => Started[index].Done.TrySetException(new InvalidOperationException("Redis went away"));

        /// <summary>This and every later send finishes at once.</summary>
        public void ReleaseAll()
        {
            lock (_lock)
            {
                _releaseAll = true;
            }

            foreach (var send in Started)
            {
                send.Done.TrySetResult();
            }
        }

        public async Task WaitForCountAsync(int count)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (Started.Count < count)
            {
                await Task.Delay(5, timeout.Token);
            }
        }
    }

    private sealed class HeldHubContext(HeldSends sends) : IHubContext<ChatHub, IChatClient>
    {
        public IHubClients<IChatClient> Clients { get; } = new HeldClients(sends);

        public IGroupManager Groups => throw new NotSupportedException();
    }

    private sealed class HeldClients(HeldSends sends) : IHubClients<IChatClient>
    {
        public IChatClient Group(string groupName) => new HeldClient(sends, groupName);

        public IChatClient All => throw new NotSupportedException();

        public IChatClient AllExcept(IReadOnlyList<string> excludedConnectionIds) => throw new NotSupportedException();

        public IChatClient Client(string connectionId) => throw new NotSupportedException();

        public IChatClient Clients(IReadOnlyList<string> connectionIds) => throw new NotSupportedException();

        public IChatClient GroupExcept(string groupName, IReadOnlyList<string> excludedConnectionIds) => throw new NotSupportedException();

        public IChatClient Groups(IReadOnlyList<string> groupNames) => throw new NotSupportedException();

        public IChatClient User(string userId) => throw new NotSupportedException();

        public IChatClient Users(IReadOnlyList<string> userIds) => throw new NotSupportedException();
    }

    private sealed class NoMembership : IGroupMembership
    {
        public Task AddAsync(Guid conversationId, IReadOnlyList<Guid> userIds, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task RemoveAsync(Guid conversationId, IReadOnlyList<Guid> userIds, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }

    private sealed class HeldClient(HeldSends sends, string group) : IChatClient
    {
        public Task MessageCreated(MessageDto message) => sends.Start(group, nameof(MessageCreated), message, null);

        public Task MessageEdited(MessageDto message) => sends.Start(group, nameof(MessageEdited), message, null);

        public Task MessageDeleted(MessageDto message) => sends.Start(group, nameof(MessageDeleted), message, null);

        public Task Mentioned(MessageDto message) => sends.Start(group, nameof(Mentioned), message, null);

        public Task ReadReceipt(ReadReceiptDto receipt) => sends.Start(group, nameof(ReadReceipt), null, receipt);

        public Task Typing(TypingDto typing) => throw new NotSupportedException();

        public Task PresenceChanged(PresenceDto presence) => throw new NotSupportedException();

        public Task ConversationAdded(ConversationDto conversation) => throw new NotSupportedException();

        public Task SafetyCaseOpened(SafetyCaseDto safetyCase) => throw new NotSupportedException();

        public Task PhiFlagged(PhiFlagDto flag) => throw new NotSupportedException();
    }
}
