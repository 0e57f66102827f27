using Microsoft.AspNetCore.Http.Connections;

namespace Vigil.Client;

public sealed class ChatConnectionOptions
{
    /// <summary>Transports to try; all by default (WebSockets first).</summary>
    public HttpTransportType Transports { get; set; } = HttpTransportType.WebSockets | HttpTransportType.ServerSentEvents | HttpTransportType.LongPolling;

    /// <summary>
    /// Where to resume: the last sequence the consumer has processed per conversation (for example persisted from a
    /// previous run). Conversations not listed start at their newest message when the connection starts.
    /// </summary>
    public IReadOnlyDictionary<Guid, long>? ResumeFrom { get; set; }

    /// <summary>Delays between reconnect attempts; the last one repeats forever.</summary>
    public IReadOnlyList<TimeSpan> ReconnectDelays { get; set; } =
        [TimeSpan.Zero, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)];

    /// <summary>Binary MessagePack instead of JSON on the hub: smaller frames, less CPU on both ends.</summary>
    public bool UseMessagePack { get; set; }

    /// <summary>Makes the HTTP handler for the hub's transports (tests use an in-memory server's).</summary>
    public Func<HttpMessageHandler>? HttpMessageHandlerFactory { get; set; }

    /// <summary>
    /// How long a push that arrives ahead of a missing sequence waits for the missing one to arrive by push before it
    /// is fetched. With several server nodes, pushes of one conversation committed on different nodes overtake each
    /// other by milliseconds; zero fetches at once. Delivery stays in order either way.
    /// </summary>
    public TimeSpan GapGrace { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Messages fetched per request while catching up (and pushes held behind a gap at most).</summary>
    public int CatchUpPageSize { get; set; } = 500;
}
