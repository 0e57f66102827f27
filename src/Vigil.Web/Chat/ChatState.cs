using System.Net;
using Vigil.Client;
using Vigil.Contracts;
using Vigil.Web.Session;

namespace Vigil.Web.Chat;

/// <summary>
/// Everything the messenger shows, kept live from the hub: conversations with unread counts and previews, loaded
/// history, typing, presence, read markers, and the outbox of messages not yet confirmed by the server.
/// </summary>
public sealed class ChatState(AppSession session, TimeProvider time) : IAsyncDisposable
{
    public const int PageSize = 50;
    private static readonly TimeSpan TypingShownFor = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan TypingSentEvery = TimeSpan.FromSeconds(3);
    private readonly Dictionary<Guid, ConversationEntry> _conversations = [];
    private readonly Dictionary<Guid, UserSummaryDto> _people = [];
    private readonly Dictionary<Guid, string> _presence = [];
    private readonly HashSet<Guid> _clearedForPhi = [];
    private VigilChatConnection? _connection;
    private Task? _start;
    private DateTimeOffset _typingSentAt;

    public event Action? Changed;

    /// <summary>For safety officers: a case was opened somewhere (the queue reloads).</summary>
    public event Action? SafetyCasesChanged;

    /// <summary>Cases opened since the safety officer last looked at the queue.</summary>
    public int NewSafetyCases { get; set; }

    public ConnectionStatus Status { get; private set; }

    /// <summary>The conversation on screen: its messages count as read.</summary>
    public Guid? ActiveConversationId { get; set; }

    public IEnumerable<ConversationEntry> Conversations => _conversations.Values.OrderByDescending(c => c.LastActivity);

    public IReadOnlyCollection<UserSummaryDto> People => _people.Values;

    private VigilClient Client => session.Client;

    private Guid MyId => session.Me?.Id ?? Guid.Empty;

    public Task StartAsync() => _start ??= StartCoreAsync();

    public async Task StopAsync()
    {
        _start = null;
        _conversations.Clear();
        _people.Clear();
        _presence.Clear();
        _clearedForPhi.Clear();
        Status = ConnectionStatus.Offline;
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync();
        }
    }

    public ConversationEntry? Find(Guid conversationId) => _conversations.GetValueOrDefault(conversationId);

    public string NameOf(Guid userId) =>
        userId == MyId ? session.Me!.DisplayName
        : _people.TryGetValue(userId, out var person) ? person.DisplayName
        : session.IsPatient ? "Care team" : "Unknown user";

    public string? UsernameOf(Guid userId) =>
        userId == MyId ? session.Me!.Username : _people.GetValueOrDefault(userId)?.Username;

    public string PresenceOf(Guid userId) => _presence.GetValueOrDefault(userId, PresenceStatuses.Offline);

    public string TitleOf(ConversationDto conversation)
    {
        if (!string.IsNullOrWhiteSpace(conversation.Title))
        {
            return conversation.Title;
        }

        var others = conversation.Members.Where(m => m.UserId != MyId).Select(m => NameOf(m.UserId)).ToList();
        return others.Count == 0 ? "Notes to self" : string.Join(", ", others);
    }

    /// <summary>The other person of a direct conversation, for the presence dot.</summary>
    public Guid? PartnerOf(ConversationDto conversation) =>
        conversation.Kind == ConversationKinds.Direct ? conversation.Members.Select(m => m.UserId).FirstOrDefault(id => id != MyId) : null;

    public IEnumerable<Guid> TypingIn(Guid conversationId)
    {
        if (!_conversations.TryGetValue(conversationId, out var entry))
        {
            return [];
        }

        var now = time.GetUtcNow();
        return entry.Typing.Where(t => t.Value > now && t.Key != MyId).Select(t => t.Key).ToList();
    }

    /// <summary>Opens a conversation: null when it does not exist or the user is not a member (the server says 404).</summary>
    public async Task<ConversationEntry?> OpenAsync(Guid conversationId)
    {
        await StartAsync();
        ConversationDto conversation;
        try
        {
            conversation = await Client.GetConversationAsync(conversationId);
        }
        catch (VigilApiException refusal) when (refusal.Status is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            return null;
        }

        var entry = Remember(conversation);
        if (!entry.Timeline.Loaded)
        {
            var page = await Client.GetMessagesAsync(conversationId, before: conversation.LastSequence + 1, limit: PageSize);
            foreach (var message in page)
            {
                entry.Timeline.Upsert(message);
            }

            entry.Timeline.HasOlder = page.Count == PageSize && page[0].Sequence > 1;
            entry.Timeline.Loaded = true;
            UpdatePreview(entry);
        }

        await MarkReadAsync(entry);
        Changed?.Invoke();
        return entry;
    }

    /// <summary>Loads the page before the oldest loaded message; false when the start of the conversation is reached.</summary>
    public async Task<bool> LoadOlderAsync(Guid conversationId)
    {
        if (!_conversations.TryGetValue(conversationId, out var entry) || !entry.Timeline.HasOlder)
        {
            return false;
        }

        var page = await Client.GetMessagesAsync(conversationId, before: entry.Timeline.OldestSequence, limit: PageSize);
        foreach (var message in page)
        {
            entry.Timeline.Upsert(message);
        }

        entry.Timeline.HasOlder = page.Count == PageSize && page[0].Sequence > 1;
        Changed?.Invoke();
        return page.Count > 0;
    }

    /// <summary>Queues a message and sends it; the returned task ends when it is stored, queued or refused.</summary>
    public Task SendAsync(
        Guid conversationId, string body, Guid? replyToId = null, IReadOnlyList<Guid>? attachmentIds = null, bool phiAcknowledged = false)
    {
        if (!_conversations.TryGetValue(conversationId, out var entry))
        {
            return Task.CompletedTask;
        }

        var outgoing = new OutgoingMessage(conversationId, body, replyToId, attachmentIds, phiAcknowledged);
        entry.Timeline.Outgoing.Add(outgoing);
        Changed?.Invoke();
        return DeliverAsync(outgoing);
    }

    public Task RetryAsync(OutgoingMessage outgoing) =>
        DeliverAsync(outgoing);

    public void Discard(OutgoingMessage outgoing)
    {
        if (_conversations.TryGetValue(outgoing.ConversationId, out var entry))
        {
            entry.Timeline.Outgoing.Remove(outgoing);
            Changed?.Invoke();
        }
    }

    public async Task EditAsync(Guid messageId, string body, string reason)
    {
        var edited = await Client.EditMessageAsync(messageId, body, reason);
        Apply(edited);
    }

    public async Task DeleteAsync(Guid messageId, string reason)
    {
        var deleted = await Client.DeleteMessageAsync(messageId, reason);
        Apply(deleted);
    }

    /// <summary>
    /// The PHI guard before a send: what identifying information the draft carries when the conversation is not cleared
    /// for it (empty otherwise). A conversation found cleared is not asked again in this session; if the check cannot
    /// be made the message goes out and the server still flags what it finds to compliance officers.
    /// </summary>
    public async Task<IReadOnlyList<PhiSpanDto>> CheckPhiAsync(Guid conversationId, string body)
    {
        if (_clearedForPhi.Contains(conversationId) || string.IsNullOrWhiteSpace(body))
        {
            return [];
        }

        try
        {
            var check = await Client.CheckPhiAsync(conversationId, body);
            if (check.PhiAllowed)
            {
                _clearedForPhi.Add(conversationId);
            }

            return check.Findings;
        }
        catch (Exception exception) when (exception is VigilApiException or HttpRequestException)
        {
            return [];
        }
    }

    public Task<MessageHistoryDto> HistoryAsync(Guid messageId) => Client.GetMessageHistoryAsync(messageId);

    /// <summary>Messages holding every word of the query, newest first, in the user's conversations; the server's refusal as text.</summary>
    public async Task<(IReadOnlyList<MessageDto> Hits, string? Problem)> SearchMessagesAsync(string query)
    {
        try
        {
            return (await Client.SearchAsync(query, limit: 20), null);
        }
        catch (VigilApiException refused)
        {
            return ([], refused.Detail ?? refused.Title ?? "The search failed.");
        }
        catch (HttpRequestException)
        {
            return ([], "The server cannot be reached; try again.");
        }
    }

    /// <summary>A patient's quick reply to a reminder ("taken", "skip", "snooze").</summary>
    public Task AnswerReminderAsync(Guid reminderId, string reply) => Client.AnswerReminderAsync(reminderId, reply);

    public async Task NotifyTypingAsync(Guid conversationId)
    {
        var now = time.GetUtcNow();
        if (_connection is null || Status != ConnectionStatus.Connected || now - _typingSentAt < TypingSentEvery)
        {
            return;
        }

        _typingSentAt = now;
        try
        {
            await _connection.SendTypingAsync(conversationId);
        }
        catch (Exception exception) when (exception is InvalidOperationException or VigilApiException)
        {
            // Typing is a courtesy; a dropped notice is not worth an error.
        }
    }

    /// <summary>Tells colleagues this user stepped away (idle) or is back.</summary>
    public async Task SetAwayAsync(bool away)
    {
        if (_connection is null || Status != ConnectionStatus.Connected)
        {
            return;
        }

        try
        {
            await _connection.SetPresenceAsync(away ? PresenceStatuses.Away : PresenceStatuses.Online);
        }
        catch (Exception exception) when (exception is InvalidOperationException or VigilApiException)
        {
            // Presence is a courtesy; the next change tries again.
        }
    }

    public async Task<ConversationEntry> CreateAsync(CreateConversationRequest request)
    {
        var conversation = await Client.CreateConversationAsync(request);
        var entry = Remember(conversation);
        _connection?.Track(conversation.Id, conversation.LastSequence);
        Changed?.Invoke();
        return entry;
    }

    /// <summary>Members' read markers: who has read up to a message.</summary>
    public IEnumerable<Guid> ReadersOf(ConversationDto conversation, long sequence) =>
        conversation.Members.Where(m => m.UserId != MyId && m.LastReadSequence >= sequence).Select(m => m.UserId);

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task StartCoreAsync()
    {
        Status = ConnectionStatus.Connecting;
        Changed?.Invoke();
        if (session.IsStaff)
        {
            foreach (var person in await Client.GetDirectoryAsync())
            {
                _people[person.Id] = person;
            }
        }

        foreach (var conversation in await Client.ListConversationsAsync())
        {
            var entry = Remember(conversation);
            var mine = conversation.Members.FirstOrDefault(m => m.UserId == MyId);
            entry.Unread = (int)Math.Max(0, conversation.LastSequence - (mine?.LastReadSequence ?? 0));
        }

        await LoadPreviewsAsync();
        var connection = Client.CreateChatConnection();
        connection.MessageReceived += OnMessageAsync;
        connection.MessageEdited += OnChangedMessageAsync;
        connection.MessageDeleted += OnChangedMessageAsync;
        connection.ConversationAdded += OnConversationAddedAsync;
        connection.ReadReceipt += OnReadReceiptAsync;
        connection.Typing += OnTypingAsync;
        connection.PresenceChanged += OnPresenceAsync;
        connection.SafetyCaseOpened += OnSafetyCaseAsync;
        connection.Reconnecting += _ => SetStatusAsync(ConnectionStatus.Reconnecting);
        connection.Reconnected += _ => OnReconnectedAsync();
        connection.Closed += OnClosedAsync;
        _connection = connection;
        try
        {
            await connection.StartAsync();
            Status = ConnectionStatus.Connected;
            await LoadPresenceAsync();
        }
        catch (HttpRequestException)
        {
            Status = ConnectionStatus.Offline;
        }

        Changed?.Invoke();
    }

    private async Task LoadPreviewsAsync()
    {
        // One small request per conversation with messages; the list is a person's own conversations.
        foreach (var entry in _conversations.Values.Where(c => c.Conversation.LastSequence > 0).ToList())
        {
            try
            {
                var last = await Client.GetMessagesAsync(entry.Id, before: entry.Conversation.LastSequence + 1, limit: 1);
                if (last.Count == 1)
                {
                    entry.Preview = PreviewOf(last[0]);
                    entry.LastActivity = last[0].SentAt;
                }
            }
            catch (VigilApiException)
            {
                // The preview is optional; the conversation still opens.
            }
        }
    }

    private ConversationEntry Remember(ConversationDto conversation)
    {
        if (_conversations.TryGetValue(conversation.Id, out var entry))
        {
            entry.Conversation = conversation;
            return entry;
        }

        entry = new ConversationEntry(conversation);
        _conversations[conversation.Id] = entry;
        return entry;
    }

    private async Task DeliverAsync(OutgoingMessage outgoing)
    {
        outgoing.State = OutgoingState.Sending;
        outgoing.Error = null;
        Changed?.Invoke();
        try
        {
            if (_connection is null)
            {
                throw new HttpRequestException("Not connected.");
            }

            var stored = await _connection.SendMessageAsync(
                outgoing.ConversationId, outgoing.Body, outgoing.ClientMessageId, outgoing.ReplyToId, outgoing.AttachmentIds,
                phiAcknowledged: outgoing.PhiAcknowledged);
            Apply(stored);
        }
        catch (VigilApiException refusal) when (refusal.Status is not HttpStatusCode.Unauthorized and < HttpStatusCode.InternalServerError)
        {
            outgoing.State = OutgoingState.Failed;
            outgoing.Error = refusal.Detail ?? refusal.Title ?? "The server refused the message.";
        }
        catch (Exception exception) when (exception is HttpRequestException or VigilApiException or TaskCanceledException
            or InvalidOperationException or IOException)
        {
            outgoing.State = OutgoingState.Queued;
            outgoing.Error = "Waiting for the connection; it will be sent when Vigil is back.";
        }

        Changed?.Invoke();
    }

    private void Apply(MessageDto message)
    {
        if (!_conversations.TryGetValue(message.ConversationId, out var entry))
        {
            return;
        }

        entry.Timeline.Upsert(message);
        if (message.Sequence >= entry.Timeline.NewestSequence)
        {
            UpdatePreview(entry);
        }

        Changed?.Invoke();
    }

    private static string PreviewOf(MessageDto message) =>
        message.Deleted ? "Message deleted"
        : message.ContentErased ? "Content erased"
        : message.Body is { Length: > 80 } text ? text[..80] + "…"
        : message.Body ?? "";

    private static void UpdatePreview(ConversationEntry entry)
    {
        if (entry.Timeline.Messages.LastOrDefault() is { } last)
        {
            entry.Preview = PreviewOf(last);
            entry.LastActivity = last.SentAt;
        }
    }

    private async Task OnMessageAsync(MessageDto message)
    {
        if (!_conversations.TryGetValue(message.ConversationId, out var entry))
        {
            return;
        }

        var isNew = entry.Timeline.Find(message.Id) is null;
        entry.Timeline.Upsert(message);
        entry.Typing.Remove(message.SenderId);
        if (message.Sequence > entry.Conversation.LastSequence)
        {
            entry.Conversation = entry.Conversation with { LastSequence = message.Sequence };
        }

        UpdatePreview(entry);
        if (isNew && message.SenderId != MyId)
        {
            if (ActiveConversationId == message.ConversationId)
            {
                await MarkReadAsync(entry);
            }
            else
            {
                entry.Unread++;
            }
        }

        Changed?.Invoke();
    }

    private Task OnChangedMessageAsync(MessageDto message)
    {
        Apply(message);
        return Task.CompletedTask;
    }

    private Task OnConversationAddedAsync(ConversationDto conversation)
    {
        var entry = Remember(conversation);
        entry.Unread = (int)conversation.LastSequence;
        Changed?.Invoke();
        return Task.CompletedTask;
    }

    private Task OnReadReceiptAsync(ReadReceiptDto receipt)
    {
        if (_conversations.TryGetValue(receipt.ConversationId, out var entry))
        {
            var members = entry.Conversation.Members
                .Select(m => m.UserId == receipt.UserId && receipt.Sequence > m.LastReadSequence ? m with { LastReadSequence = receipt.Sequence } : m)
                .ToList();
            entry.Conversation = entry.Conversation with { Members = members };
            Changed?.Invoke();
        }

        return Task.CompletedTask;
    }

    private Task OnTypingAsync(TypingDto typing)
    {
        if (_conversations.TryGetValue(typing.ConversationId, out var entry) && typing.UserId != MyId)
        {
            entry.Typing[typing.UserId] = time.GetUtcNow() + TypingShownFor;
            Changed?.Invoke();
            _ = ExpireTypingAsync();
        }

        return Task.CompletedTask;
    }

    private async Task ExpireTypingAsync()
    {
        await Task.Delay(TypingShownFor + TimeSpan.FromMilliseconds(100), time);
        Changed?.Invoke();
    }

    private Task OnPresenceAsync(PresenceDto presence)
    {
        _presence[presence.UserId] = presence.Status;
        Changed?.Invoke();
        return Task.CompletedTask;
    }

    private Task OnSafetyCaseAsync(SafetyCaseDto safetyCase)
    {
        NewSafetyCases++;
        SafetyCasesChanged?.Invoke();
        Changed?.Invoke();
        return Task.CompletedTask;
    }

    private Task SetStatusAsync(ConnectionStatus status)
    {
        Status = status;
        Changed?.Invoke();
        return Task.CompletedTask;
    }

    private async Task LoadPresenceAsync()
    {
        // Connected first, then asked: a change in between arrives as an event and is not lost.
        try
        {
            foreach (var presence in await Client.GetPresenceAsync())
            {
                _presence[presence.UserId] = presence.Status;
            }
        }
        catch (Exception exception) when (exception is VigilApiException or HttpRequestException)
        {
            // Dots show offline until the next change; nothing else depends on them.
        }
    }

    private async Task OnReconnectedAsync()
    {
        _presence.Clear();
        await LoadPresenceAsync();
        await SetStatusAsync(ConnectionStatus.Connected);
        foreach (var entry in _conversations.Values)
        {
            foreach (var outgoing in entry.Timeline.Outgoing.Where(o => o.State == OutgoingState.Queued).ToList())
            {
                await DeliverAsync(outgoing);
            }
        }
    }

    private async Task OnClosedAsync(Exception? error)
    {
        await SetStatusAsync(ConnectionStatus.Offline);
        if (error is VigilApiException { Status: HttpStatusCode.Unauthorized } || (error?.Message.Contains("401", StringComparison.Ordinal) ?? false))
        {
            session.SessionEnded("expired");
        }
    }

    private async Task MarkReadAsync(ConversationEntry entry)
    {
        entry.Unread = 0;
        var newest = entry.Timeline.NewestSequence;
        var mine = entry.Conversation.Members.FirstOrDefault(m => m.UserId == MyId);
        if (newest == 0 || (mine is not null && mine.LastReadSequence >= newest))
        {
            return;
        }

        try
        {
            await Client.MarkReadAsync(entry.Id, newest);
            entry.Conversation = entry.Conversation with
            {
                Members = [.. entry.Conversation.Members.Select(m => m.UserId == MyId ? m with { LastReadSequence = newest } : m)],
            };
        }
        catch (Exception exception) when (exception is VigilApiException or HttpRequestException)
        {
            // The marker catches up on the next message read.
        }
    }
}
