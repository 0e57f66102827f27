using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Vigil.LoadTest.Connections;

/// <summary>
/// A plain-text XMPP client (RFC 6120/6121) to prosody or ejabberd, as much of it as the one-to-one scenario needs:
/// SASL PLAIN, resource binding, stream management (XEP-0198) and chat messages. A group is a pair: a send goes to the
/// peer's bare JID with the id as the stanza's id, and completes at the server's stream-management ack (a
/// <c>&lt;r/&gt;</c> after every message), which is what XMPP has in place of Vigil's acknowledgement. No NuGet
/// package for XMPP is served here (the one listed needs a paid licence); the protocol subset is small.
/// </summary>
internal sealed class XmppConnection(IPEndPoint server, string domain, string user, string password, IReadOnlyDictionary<string, string> peerOfGroup)
    : LoadConnection
{
    private const string StreamManagement = "urn:xmpp:sm:3";
    private const string Archive = "urn:xmpp:mam:2";
    private static readonly XNamespace Client = "jabber:client";

    private readonly Dictionary<string, string> _groupOfPeer = peerOfGroup.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Queue<(uint Sequence, TaskCompletionSource Ack)> _unacked = new();
    private TcpClient? _tcp;
    private NetworkStream? _stream;
    private XmlReader? _reader;
    private uint _sent;
    private uint _handled;
    private Task _reading = Task.CompletedTask;
    private TaskCompletionSource<int>? _archiveQuery;
    private int _archived;

    /// <summary>Creates the account by in-band registration (XEP-0077); an account that exists already is fine.</summary>
    public static async Task RegisterAsync(IPEndPoint server, string domain, string user, string password, CancellationToken cancellationToken)
    {
        await using var connection = new XmppConnection(server, domain, user, password, new Dictionary<string, string>());
        await connection.OpenAsync(cancellationToken);
        await connection.WriteAsync(
            $"<iq type='set' id='register'><query xmlns='jabber:iq:register'><username>{Escape(user)}</username><password>{Escape(password)}</password></query></iq>",
            cancellationToken);
        var answer = await connection.NextAsync(cancellationToken);
        var conflict = answer.Descendants().Any(e => e.Name.LocalName == "conflict");
        if ((string?)answer.Attribute("type") != "result" && !conflict)
        {
            throw new InvalidOperationException($"registering {user} was refused: {answer}");
        }
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken);
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"));
        await WriteAsync($"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>{credentials}</auth>", cancellationToken);
        var outcome = await NextAsync(cancellationToken);
        if (outcome.Name.LocalName != "success")
        {
            throw new InvalidOperationException($"{user} was not signed in: {outcome}");
        }

        // After SASL the stream starts again (RFC 6120 §6.4.6); the server sends nothing until it has our new header.
        await OpenStreamAsync(cancellationToken);
        await ExpectAsync("<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>", "iq", cancellationToken);
        await ExpectAsync($"<enable xmlns='{StreamManagement}'/>", "enabled", cancellationToken);
        // Available presence, so messages to the bare JID reach this resource instead of offline storage.
        await WriteAsync("<presence/>", cancellationToken, stanza: true);
        _reading = Task.Run(ReadAsync, CancellationToken.None);
    }

    public override async Task SendAsync(string group, string id, CancellationToken cancellationToken)
    {
        var ack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await WriteAsync(
            $"<message to='{Escape(peerOfGroup[group])}' id='{Escape(id)}' type='chat'><body>{Body}</body></message><r xmlns='{StreamManagement}'/>",
            cancellationToken, stanza: true, ack);
        await ack.Task.WaitAsync(cancellationToken);
    }

    /// <summary>How many messages this account's archive holds (a XEP-0313 query of everything, counted).</summary>
    public async Task<int> ArchivedAsync(CancellationToken cancellationToken)
    {
        var query = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _archived, 0);
        Volatile.Write(ref _archiveQuery, query);
        await WriteAsync($"<iq type='set' id='archive'><query xmlns='{Archive}' queryid='archive'/></iq>", cancellationToken, stanza: true);
        return await query.Task.WaitAsync(cancellationToken);
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            if (_stream is not null)
            {
                await WriteAsync("</stream:stream>", CancellationToken.None);
                await _reading.WaitAsync(TimeSpan.FromSeconds(2));
            }
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or ObjectDisposedException)
        {
            // Closing anyway.
        }

        _reader?.Dispose();
        _tcp?.Dispose();
        _writeLock.Dispose();
        FailUnacked(new ObjectDisposedException(nameof(XmppConnection)));
    }

    private async Task OpenAsync(CancellationToken cancellationToken)
    {
        _tcp = new TcpClient { NoDelay = true };
        await _tcp.ConnectAsync(server, cancellationToken);
        _stream = _tcp.GetStream();
        await OpenStreamAsync(cancellationToken);
    }

    /// <summary>Sends the stream header and reads the server's header and features with a new reader.</summary>
    private async Task OpenStreamAsync(CancellationToken cancellationToken)
    {
        _reader?.Dispose();
        await WriteAsync(
            $"<?xml version='1.0'?><stream:stream to='{Escape(domain)}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>",
            cancellationToken);
        _reader = XmlReader.Create(_stream!, new XmlReaderSettings { Async = true, IgnoreWhitespace = true, CloseInput = false, DtdProcessing = DtdProcessing.Prohibit });
        while (await _reader.ReadAsync() && !(_reader.NodeType == XmlNodeType.Element && _reader.LocalName == "stream"))
        {
            // The XML declaration.
        }

        var features = await NextAsync(cancellationToken);
        if (features.Name.LocalName != "features")
        {
            throw new InvalidOperationException($"expected stream features, got {features}");
        }
    }

    private async Task ExpectAsync(string request, string answer, CancellationToken cancellationToken)
    {
        await WriteAsync(request, cancellationToken);
        var reply = await NextAsync(cancellationToken);
        if (reply.Name.LocalName != answer || (string?)reply.Attribute("type") == "error")
        {
            throw new InvalidOperationException($"expected {answer}, got {reply}");
        }
    }

    /// <summary>
    /// The next top-level element of the stream. Read through a subtree reader so the stream reader stops at the
    /// element's end: reading past it would wait for bytes the server sends only after our answer.
    /// </summary>
    private async Task<XElement> NextAsync(CancellationToken cancellationToken)
    {
        while (await _reader!.ReadAsync())
        {
            if (_reader.NodeType == XmlNodeType.Element && _reader.Depth == 1)
            {
                using var element = _reader.ReadSubtree();
                return await XElement.LoadAsync(element, LoadOptions.None, cancellationToken);
            }

            if (_reader.NodeType == XmlNodeType.EndElement && _reader.Depth == 0)
            {
                break;
            }
        }

        throw new EndOfStreamException("the server closed the stream");
    }

    private async Task ReadAsync()
    {
        try
        {
            while (true)
            {
                var element = await NextAsync(CancellationToken.None);
                if (element.Name.Namespace == StreamManagement)
                {
                    if (element.Name.LocalName == "r")
                    {
                        await WriteAsync($"<a xmlns='{StreamManagement}' h='{Volatile.Read(ref _handled)}'/>", CancellationToken.None);
                    }
                    else if (element.Name.LocalName == "a")
                    {
                        Acknowledge(uint.Parse((string)element.Attribute("h")!, CultureInfo.InvariantCulture));
                    }

                    continue;
                }

                Interlocked.Increment(ref _handled);
                if (element.Name == Client + "message" && element.Element((XNamespace)Archive + "result") is not null)
                {
                    Interlocked.Increment(ref _archived);
                }
                else if (element.Name == Client + "iq" && (string?)element.Attribute("id") == "archive" && Volatile.Read(ref _archiveQuery) is { } query)
                {
                    if ((string?)element.Attribute("type") == "result")
                    {
                        query.TrySetResult(Volatile.Read(ref _archived));
                    }
                    else
                    {
                        query.TrySetException(new InvalidOperationException($"the archive query was refused: {element}"));
                    }
                }
                else if (element.Name == Client + "message" && element.Element(Client + "body") is not null
                    && (string?)element.Attribute("from") is { } from && (string?)element.Attribute("id") is { } id
                    && _groupOfPeer.TryGetValue(from.Split('/')[0], out var group))
                {
                    Received?.Invoke(group, id);
                }
                else if (element.Name == Client + "iq" && (string?)element.Attribute("type") == "get")
                {
                    // Server pings (XEP-0199) and the like: an empty result keeps the session alive.
                    await WriteAsync($"<iq type='result' id='{Escape((string?)element.Attribute("id") ?? "")}' to='{Escape((string?)element.Attribute("from") ?? domain)}'/>", CancellationToken.None, stanza: true);
                }
            }
        }
        catch (Exception e) when (e is IOException or XmlException or EndOfStreamException or ObjectDisposedException or SocketException)
        {
            FailUnacked(e);
        }
    }

    private void Acknowledge(uint handled)
    {
        lock (_unacked)
        {
            while (_unacked.TryPeek(out var next) && next.Sequence <= handled)
            {
                _unacked.Dequeue().Ack.TrySetResult();
            }
        }
    }

    private void FailUnacked(Exception reason)
    {
        lock (_unacked)
        {
            while (_unacked.TryDequeue(out var next))
            {
                next.Ack.TrySetException(reason);
            }
        }
    }

    /// <summary>
    /// Writes in order. A stanza (once stream management is on) gets the next sequence number the server's acks
    /// count, under the same lock as the write, so numbers follow the order on the wire.
    /// </summary>
    private async Task WriteAsync(string xml, CancellationToken cancellationToken, bool stanza = false, TaskCompletionSource? ack = null)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            if (stanza)
            {
                lock (_unacked)
                {
                    _sent++;
                    if (ack is not null)
                    {
                        _unacked.Enqueue((_sent, ack));
                    }
                }
            }

            await _stream!.WriteAsync(Encoding.UTF8.GetBytes(xml), cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static string Escape(string text) => SecurityElement.Escape(text);
}
