using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Contracts;

namespace Vigil.Client;

/// <summary>
/// A real-time connection to Vigil's hub. It reconnects by itself and, after a reconnect or on seeing a gap in
/// sequence numbers, fetches what it missed, so <see cref="MessageReceived"/> sees every message of a tracked
/// conversation exactly once and in sequence order.
/// </summary>
public sealed partial class VigilChatConnection : IAsyncDisposable
{
    private static readonly TimeSpan RetryAfterFailedCatchUp = TimeSpan.FromSeconds(1);
    private readonly VigilClient _client;
    private readonly ChatConnectionOptions _options;
    private readonly HubConnection _hub;
    private readonly Channel<Inbound> _inbound = Channel.CreateUnbounded<Inbound>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<Guid, long> _cursors = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SequenceGate _gate;
    private Task? _loop;

    internal VigilChatConnection(VigilClient client, ChatConnectionOptions options)
    {
        _client = client;
        _options = options;
        _gate = new SequenceGate(_cursors, options.CatchUpPageSize);
        var builder = new HubConnectionBuilder();
        if (options.UseMessagePack)
        {
            builder.AddMessagePackProtocol();
        }

        _hub = builder
            .WithUrl(new Uri(client.BaseAddress, ChatHubContract.Path), http =>
            {
                http.AccessTokenProvider = () => client.GetAccessTokenAsync();
                http.Transports = options.Transports;
                // WebSockets only: straight to the socket, one round trip (and one pooled HTTP connection) fewer.
                http.SkipNegotiation = options.Transports == HttpTransportType.WebSockets;
                if (options.HttpMessageHandlerFactory is { } factory)
                {
                    http.HttpMessageHandlerFactory = _ => factory();
                }
                else if (client.Nodes is { } nodes)
                {
                    // Negotiation and the HTTP transports through the failover handler; WebSockets by the same rule.
                    http.HttpMessageHandlerFactory = inner => new FailoverHandler(nodes, inner);
                    http.WebSocketFactory = (context, ct) => ConnectWebSocketAsync(nodes, context.Uri, ct);
                }
            })
            .WithAutomaticReconnect(new RepeatingRetryPolicy(options.ReconnectDelays))
            .Build();

        _hub.On<MessageDto>(nameof(IChatClient.MessageCreated), m => Post(new Inbound.Created(m)));
        _hub.On<MessageDto>(nameof(IChatClient.MessageEdited), m => Post(new Inbound.Other(() => Raise(MessageEdited, m))));
        _hub.On<MessageDto>(nameof(IChatClient.MessageDeleted), m => Post(new Inbound.Other(() => Raise(MessageDeleted, m))));
        _hub.On<MessageDto>(nameof(IChatClient.Mentioned), m => Post(new Inbound.Other(() => Raise(Mentioned, m))));
        _hub.On<ReadReceiptDto>(nameof(IChatClient.ReadReceipt), r => Post(new Inbound.Other(() => Raise(ReadReceipt, r))));
        _hub.On<TypingDto>(nameof(IChatClient.Typing), t => Post(new Inbound.Other(() => Raise(Typing, t))));
        _hub.On<PresenceDto>(nameof(IChatClient.PresenceChanged), p => Post(new Inbound.Other(() => Raise(PresenceChanged, p))));
        _hub.On<ConversationDto>(nameof(IChatClient.ConversationAdded), c => Post(new Inbound.Added(c)));
        _hub.On<SafetyCaseDto>(nameof(IChatClient.SafetyCaseOpened), c => Post(new Inbound.Other(() => Raise(SafetyCaseOpened, c))));
        _hub.On<PhiFlagDto>(nameof(IChatClient.PhiFlagged), f => Post(new Inbound.Other(() => Raise(PhiFlagged, f))));
        _hub.Reconnecting += error => Raise(Reconnecting, error);
        _hub.Reconnected += _ =>
        {
            Post(new Inbound.CatchUpAll());
            return Raise(Reconnected, (Exception?)null);
        };
        _hub.Closed += error => Raise(Closed, error);
    }

    /// <summary>Every message of a tracked conversation, once, in sequence order (live or caught up).</summary>
    public event Func<MessageDto, Task>? MessageReceived;

    public event Func<MessageDto, Task>? MessageEdited;

    public event Func<MessageDto, Task>? MessageDeleted;

    /// <summary>A message that mentions the signed-in user.</summary>
    public event Func<MessageDto, Task>? Mentioned;

    public event Func<ReadReceiptDto, Task>? ReadReceipt;

    public event Func<TypingDto, Task>? Typing;

    public event Func<PresenceDto, Task>? PresenceChanged;

    public event Func<ConversationDto, Task>? ConversationAdded;

    /// <summary>For SafetyOfficers: a new case in the triage queue.</summary>
    public event Func<SafetyCaseDto, Task>? SafetyCaseOpened;

    /// <summary>For ComplianceOfficers: PHI found where it does not belong.</summary>
    public event Func<PhiFlagDto, Task>? PhiFlagged;

    public event Func<Exception?, Task>? Reconnecting;

    public event Func<Exception?, Task>? Reconnected;

    public event Func<Exception?, Task>? Closed;

    /// <summary>A catch-up or an event handler failed; delivery resumes on the next event or reconnect.</summary>
    public event Func<Exception?, Task>? Error;

    public HubConnectionState State => _hub.State;

    /// <summary>The last sequence delivered per conversation: persist it to resume later with <see cref="ChatConnectionOptions.ResumeFrom"/>.</summary>
    public IReadOnlyDictionary<Guid, long> Cursors => _cursors;

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _hub.StartAsync(cancellationToken).ConfigureAwait(false);
        // Joined first, then the heads (see ChatHubContract.Heads): anything committed in between is pushed, buffered
        // and deduplicated, not lost.
        foreach (var (conversationId, sequence) in _options.ResumeFrom ?? new Dictionary<Guid, long>())
        {
            _cursors[conversationId] = sequence;
        }

        var heads = await HeadsAsync(cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(() => ProcessAsync(_stop.Token), CancellationToken.None);
        Post(new Inbound.CatchUpBehind(heads));
    }

    /// <summary>Delivers the messages of a conversation after <paramref name="afterSequence"/> (catching up at once).</summary>
    public void Track(Guid conversationId, long afterSequence)
    {
        _cursors[conversationId] = afterSequence;
        Post(new Inbound.CatchUp(conversationId));
    }

    /// <summary>
    /// Sends over the hub (or REST while reconnecting) and returns the message once durably stored. Transient
    /// failures are retried with the same client message id, so the message is stored once whatever happens.
    /// </summary>
    /// <param name="phiAcknowledged">The sender saw the PHI warning for this draft and sends it anyway (recorded).</param>
    public Task<MessageDto> SendMessageAsync(
        Guid conversationId, string body, string? clientMessageId = null, Guid? replyToId = null,
        IReadOnlyList<Guid>? attachmentIds = null, CancellationToken cancellationToken = default, bool phiAcknowledged = false)
    {
        var request = new SendMessageRequest(clientMessageId ?? ClientMessageIds.New(), body, replyToId, attachmentIds, phiAcknowledged);
        return _client.RetryTransientAsync(
            async ct =>
            {
                if (_hub.State == HubConnectionState.Connected)
                {
                    try
                    {
                        return await _hub.InvokeAsync<MessageDto>(ChatHubContract.SendMessage, conversationId, request, ct).ConfigureAwait(false);
                    }
                    catch (HubException refusal)
                    {
                        throw Translate(refusal);
                    }
                    catch (InvalidOperationException)
                    {
                        // The connection dropped between the state check and the call: use REST below.
                    }
                }

                return await _client.SendMessageAsync(conversationId, request.Body, request.ClientMessageId, request.ReplyToId,
                    request.AttachmentIds, ct, request.PhiAcknowledged).ConfigureAwait(false);
            },
            cancellationToken);
    }

    public async Task MarkReadAsync(Guid conversationId, long sequence, CancellationToken cancellationToken = default)
    {
        try
        {
            await _hub.InvokeAsync<ReadReceiptDto>(ChatHubContract.MarkRead, conversationId, sequence, cancellationToken).ConfigureAwait(false);
        }
        catch (HubException refusal)
        {
            throw Translate(refusal);
        }
    }

    public async Task SendTypingAsync(Guid conversationId, CancellationToken cancellationToken = default)
    {
        try
        {
            await _hub.InvokeAsync(ChatHubContract.Typing, conversationId, cancellationToken).ConfigureAwait(false);
        }
        catch (HubException refusal)
        {
            throw Translate(refusal);
        }
    }

    public async Task SetPresenceAsync(string status, CancellationToken cancellationToken = default)
    {
        try
        {
            await _hub.InvokeAsync(ChatHubContract.SetPresence, status, cancellationToken).ConfigureAwait(false);
        }
        catch (HubException refusal)
        {
            throw Translate(refusal);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _inbound.Writer.TryComplete();
        await _hub.DisposeAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping is the point.
            }
        }

        _stop.Dispose();
    }

    /// <summary>
    /// A WebSocket to the current node, moving on to the next when one refuses the connection (the SignalR client's
    /// own factory knows one address only).
    /// </summary>
    private async ValueTask<System.Net.WebSockets.WebSocket> ConnectWebSocketAsync(ClusterNodes nodes, Uri address, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var socket = new System.Net.WebSockets.ClientWebSocket();
            if (await _client.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false) is { } token)
            {
                socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
            }

            var node = nodes.Route(address);
            try
            {
                await socket.ConnectAsync(node, cancellationToken).ConfigureAwait(false);
                return socket;
            }
            catch (System.Net.WebSockets.WebSocketException e) when (e.InnerException is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError })
            {
                socket.Dispose();
                nodes.Failed(node);
                if (attempt >= nodes.Count)
                {
                    throw;
                }
            }
        }
    }

    /// <summary>
    /// The server words refusals as "403 Forbidden: detail" (the client library may put its own preamble before
    /// that); keep the status so callers can branch on it as they do for REST.
    /// </summary>
    private static VigilApiException Translate(HubException refusal)
    {
        var match = HubRefusal().Match(refusal.Message);
        return match.Success
            ? new VigilApiException((HttpStatusCode)int.Parse(match.Groups["status"].Value, CultureInfo.InvariantCulture), null,
                match.Groups["title"].Value, match.Groups["detail"].Value)
            : new VigilApiException(HttpStatusCode.Unauthorized, null, "Hub refused the call", refusal.Message);
    }

    [GeneratedRegex(@"(?:^|HubException: )(?<status>[45]\d\d) (?<title>[^:]+): (?<detail>.*)$", RegexOptions.Singleline)]
    private static partial Regex HubRefusal();

    private void Post(Inbound item) => _inbound.Writer.TryWrite(item);

    private async Task ProcessAsync(CancellationToken cancellationToken)
    {
        await foreach (var item in _inbound.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                switch (item)
                {
                    case Inbound.Created created:
                        await OnCreatedAsync(created.Message, cancellationToken).ConfigureAwait(false);
                        break;
                    case Inbound.Added added:
                        _cursors.TryAdd(added.Conversation.Id, added.Conversation.LastSequence);
                        // Joined live first, then caught up, so nothing sent in between is missed.
                        if (_hub.State == HubConnectionState.Connected)
                        {
                            await _hub.InvokeAsync(ChatHubContract.Subscribe, added.Conversation.Id, cancellationToken).ConfigureAwait(false);
                        }

                        await CatchUpOrRetryLaterAsync(added.Conversation.Id, cancellationToken).ConfigureAwait(false);
                        await Raise(ConversationAdded, added.Conversation).ConfigureAwait(false);
                        break;
                    case Inbound.CatchUp one:
                        await CatchUpOrRetryLaterAsync(one.ConversationId, cancellationToken).ConfigureAwait(false);
                        break;
                    case Inbound.GapCheck check:
                        await OnGapCheckAsync(check, cancellationToken).ConfigureAwait(false);
                        break;
                    case Inbound.CatchUpAll:
                        await CatchUpAllAsync(cancellationToken).ConfigureAwait(false);
                        break;
                    case Inbound.CatchUpBehind behind:
                        await CatchUpBehindAsync(behind.Heads, cancellationToken).ConfigureAwait(false);
                        break;
                    case Inbound.Other other:
                        await other.Deliver().ConfigureAwait(false);
                        break;
                }
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                await Raise(Error, exception).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// After a reconnect: asks the hub for the heads (which also waits until this connection has joined its
    /// conversations) and fetches only the conversations that moved while it was away. A conversation joined while
    /// away starts at its newest message, as at start.
    /// </summary>
    private async Task CatchUpAllAsync(CancellationToken cancellationToken)
    {
        if (_hub.State != HubConnectionState.Connected)
        {
            return; // dropped again: the next reconnect asks again
        }

        IReadOnlyList<ConversationHeadDto> heads;
        try
        {
            heads = await HeadsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested && exception is not HubException)
        {
            PostLater(new Inbound.CatchUpAll(), RetryAfterFailedCatchUp);
            throw;
        }

        await CatchUpBehindAsync(heads, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The hub's heads (see <see cref="ChatHubContract.Heads"/>); a conversation not yet tracked starts at its newest message.</summary>
    private async Task<IReadOnlyList<ConversationHeadDto>> HeadsAsync(CancellationToken cancellationToken)
    {
        var heads = await _hub.InvokeAsync<IReadOnlyList<ConversationHeadDto>>(ChatHubContract.Heads, cancellationToken).ConfigureAwait(false);
        foreach (var head in heads)
        {
            _cursors.TryAdd(head.ConversationId, head.LastSequence);
        }

        return heads;
    }

    private async Task CatchUpBehindAsync(IReadOnlyList<ConversationHeadDto> heads, CancellationToken cancellationToken)
    {
        foreach (var head in heads.Where(h => _cursors.GetValueOrDefault(h.ConversationId) < h.LastSequence))
        {
            await CatchUpOrRetryLaterAsync(head.ConversationId, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task OnCreatedAsync(MessageDto message, CancellationToken cancellationToken)
    {
        var outcome = _gate.Offer(message);
        await DeliverAsync(outcome.Ready).ConfigureAwait(false);
        if (outcome.Overflow || (outcome.GapOpened && _options.GapGrace <= TimeSpan.Zero))
        {
            // Too much held, or no grace: something was missed (pushes are best effort). The database has it.
            await CatchUpOrRetryLaterAsync(message.ConversationId, cancellationToken).ConfigureAwait(false);
        }
        else if (outcome.GapOpened)
        {
            ScheduleGapCheck(message.ConversationId, _options.GapGrace);
        }
    }

    /// <summary>After the grace: a gap that did not fill by push (or moved on to a later gap) is fetched.</summary>
    private async Task OnGapCheckAsync(Inbound.GapCheck check, CancellationToken cancellationToken)
    {
        if (!_gate.IsHolding(check.ConversationId))
        {
            return;
        }

        if (_cursors.GetValueOrDefault(check.ConversationId) == check.Cursor)
        {
            await CatchUpOrRetryLaterAsync(check.ConversationId, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            ScheduleGapCheck(check.ConversationId, _options.GapGrace);
        }
    }

    /// <summary>
    /// Fetches what a conversation missed. A failed fetch (a node down, a refused request) is tried again a little
    /// later rather than left for the next push: after the last message of a conversation there is no next push.
    /// </summary>
    private async Task CatchUpOrRetryLaterAsync(Guid conversationId, CancellationToken cancellationToken)
    {
        try
        {
            await CatchUpAsync(conversationId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A refusal (no longer a member, signed out) stays a refusal; a node down or busy is worth another try.
            if (VigilClient.IsTransient(exception, cancellationToken))
            {
                PostLater(new Inbound.CatchUp(conversationId), RetryAfterFailedCatchUp + TimeSpan.FromMilliseconds(Random.Shared.Next(1000)));
            }

            await Raise(Error, exception).ConfigureAwait(false);
        }
    }

    private void ScheduleGapCheck(Guid conversationId, TimeSpan delay) =>
        PostLater(new Inbound.GapCheck(conversationId, _cursors.GetValueOrDefault(conversationId)), delay);

    private void PostLater(Inbound item, TimeSpan delay) =>
        _ = Task.Delay(delay, _stop.Token).ContinueWith(
            wait =>
            {
                if (wait.IsCompletedSuccessfully)
                {
                    Post(item);
                }
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private async Task DeliverAsync(IReadOnlyList<MessageDto> messages)
    {
        foreach (var message in messages)
        {
            await Raise(MessageReceived, message).ConfigureAwait(false);
        }
    }

    private async Task CatchUpAsync(Guid conversationId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var cursor = _cursors.GetValueOrDefault(conversationId);
            var page = await _client.RetryTransientAsync(
                ct => _client.GetMessagesAsync(conversationId, after: cursor, limit: _options.CatchUpPageSize, cancellationToken: ct),
                cancellationToken).ConfigureAwait(false);
            foreach (var message in page)
            {
                if (message.Sequence <= _cursors.GetValueOrDefault(conversationId))
                {
                    continue;
                }

                _cursors[conversationId] = message.Sequence;
                await Raise(MessageReceived, message).ConfigureAwait(false);
            }

            if (page.Count < _options.CatchUpPageSize)
            {
                // Pushes held behind the gap this filled follow in order; ones it fetched are dropped. Any still
                // held wait behind a later gap.
                await DeliverAsync(_gate.Release(conversationId)).ConfigureAwait(false);
                if (_gate.IsHolding(conversationId))
                {
                    ScheduleGapCheck(conversationId, _options.GapGrace);
                }

                return;
            }
        }
    }

    private async Task Raise<T>(Func<T, Task>? handler, T argument)
    {
        if (handler is null)
        {
            return;
        }

        try
        {
            await handler(argument).ConfigureAwait(false);
        }
        catch (Exception exception) when (handler is not Func<Exception?, Task>)
        {
            await Raise(Error, (Exception?)exception).ConfigureAwait(false);
        }
    }

    private abstract record Inbound
    {
        public sealed record Created(MessageDto Message) : Inbound;

        public sealed record Added(ConversationDto Conversation) : Inbound;

        public sealed record CatchUp(Guid ConversationId) : Inbound;

        public sealed record CatchUpAll : Inbound;

        /// <summary>Fetch the conversations whose cursor is behind these heads.</summary>
        public sealed record CatchUpBehind(IReadOnlyList<ConversationHeadDto> Heads) : Inbound;

        /// <summary>The grace for a gap in <paramref name="ConversationId"/> at <paramref name="Cursor"/> is over.</summary>
        public sealed record GapCheck(Guid ConversationId, long Cursor) : Inbound;

        public sealed record Other(Func<Task> Deliver) : Inbound;
    }

    private sealed class RepeatingRetryPolicy(IReadOnlyList<TimeSpan> delays) : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) =>
            delays.Count == 0 ? TimeSpan.FromSeconds(5) : delays[(int)Math.Min(retryContext.PreviousRetryCount, delays.Count - 1)];
    }
}
