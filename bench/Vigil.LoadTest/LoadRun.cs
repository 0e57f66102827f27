using System.Collections.Concurrent;
using System.Diagnostics;
using HdrHistogram;
using Microsoft.AspNetCore.Http.Connections;
using Vigil.Client;
using Vigil.Contracts;

namespace Vigil.LoadTest;

/// <summary>
/// Connects every user over WebSockets, then sends for a fixed time, either at a fixed total rate (open loop: the
/// next send does not wait for the previous ack) or as fast as acks come back (closed loop). Latency is measured
/// from the send call to the peer's <see cref="VigilChatConnection.MessageReceived"/>, in the same process.
/// </summary>
internal sealed class LoadRun(LoadOptions options, IReadOnlyList<(VigilClient Client, UserDto User)> users, Guid[] conversations)
{
    private readonly ConcurrentDictionary<string, long> _sentAt = new(StringComparer.Ordinal);
    private readonly LongConcurrentHistogram _delivery = new(1, TimeStamp.Seconds(60), 3);
    private readonly LongConcurrentHistogram _ack = new(1, TimeStamp.Seconds(60), 3);
    private long _acked;
    private long _received;
    private long _errors;
    private volatile bool _measuring;

    public async Task<LoadResult> RunAsync()
    {
        var connections = new VigilChatConnection[users.Count];
        var connected = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, users.Count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var connection = users[i].Client.CreateChatConnection(new ChatConnectionOptions { Transports = HttpTransportType.WebSockets, UseMessagePack = options.MessagePack });
            var me = users[i].User.Id;
            connection.MessageReceived += message => OnReceived(me, message);
            await connection.StartAsync(ct);
            connections[i] = connection;
            if (Interlocked.Increment(ref connected) % 100 == 0)
            {
                Console.Error.Write($"\rconnected {connected}/{users.Count} ");
            }
        });
        Console.Error.WriteLine($"\rconnected {connected}/{users.Count}; warming up {options.Warmup.TotalSeconds:0} s, measuring {options.Duration.TotalSeconds:0} s");

        using var stop = new CancellationTokenSource();
        var senders = Enumerable.Range(0, users.Count)
            .SelectMany(i => Enumerable.Range(0, options.Rate > 0 ? 1 : options.InFlightPerClient).Select(_ => SendLoopAsync(connections[i], conversations[i], i, stop.Token)))
            .ToList();

        await Task.Delay(options.Warmup);
        _measuring = true;
        var window = Stopwatch.StartNew();
        Interlocked.Exchange(ref _acked, 0);
        await Task.Delay(options.Duration);
        var ackedInWindow = Interlocked.Read(ref _acked);
        var elapsed = window.Elapsed;
        _measuring = false;
        await stop.CancelAsync();
        await Task.WhenAll(senders);
        await Task.Delay(TimeSpan.FromSeconds(2));

        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }

        return new LoadResult(
            users.Count,
            options.Rate,
            elapsed,
            ackedInWindow,
            ackedInWindow / elapsed.TotalSeconds,
            Interlocked.Read(ref _received),
            Interlocked.Read(ref _errors),
            Percentiles(_ack),
            Percentiles(_delivery));
    }

    private async Task SendLoopAsync(VigilChatConnection connection, Guid conversationId, int client, CancellationToken stop)
    {
        // Spread the clients' sends evenly over each interval rather than in bursts.
        var interval = options.Rate > 0 ? TimeSpan.FromSeconds(users.Count / (double)options.Rate) : TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        var next = interval * (client / (double)users.Count);
        var pending = new List<Task>();
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            if (interval > TimeSpan.Zero)
            {
                var wait = next - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    try
                    {
                        await Task.Delay(wait, stop);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }

                next += interval;
                pending.Add(SendOneAsync(connection, conversationId, $"{client}-{n}-{Guid.NewGuid():N}"));
                pending.RemoveAll(t => t.IsCompleted);
            }
            else
            {
                await SendOneAsync(connection, conversationId, $"{client}-{n}-{Guid.NewGuid():N}");
            }
        }

        await Task.WhenAll(pending);
    }

    private async Task SendOneAsync(VigilChatConnection connection, Guid conversationId, string clientMessageId)
    {
        var started = Stopwatch.GetTimestamp();
        _sentAt[clientMessageId] = started;
        try
        {
            await connection.SendMessageAsync(conversationId, "Adverse event follow-up: patient reports mild headache after dose 2.", clientMessageId);
            Interlocked.Increment(ref _acked);
            if (_measuring)
            {
                _ack.RecordValue(Microseconds(started));
            }
        }
        catch (Exception)
        {
            Interlocked.Increment(ref _errors);
            _sentAt.TryRemove(clientMessageId, out _);
        }
    }

    private Task OnReceived(Guid me, MessageDto message)
    {
        if (message.SenderId != me && _sentAt.TryRemove(message.ClientMessageId, out var started))
        {
            Interlocked.Increment(ref _received);
            if (_measuring)
            {
                _delivery.RecordValue(Microseconds(started));
            }
        }

        return Task.CompletedTask;
    }

    private static long Microseconds(long since) => (long)Stopwatch.GetElapsedTime(since).TotalMicroseconds;

    private static Latency Percentiles(HistogramBase histogram) => histogram.TotalCount == 0
        ? new Latency(0, 0, 0, 0, 0)
        : new Latency(
            histogram.GetValueAtPercentile(50) / 1000.0,
            histogram.GetValueAtPercentile(90) / 1000.0,
            histogram.GetValueAtPercentile(99) / 1000.0,
            histogram.GetValueAtPercentile(99.9) / 1000.0,
            histogram.GetMaxValue() / 1000.0);
}

internal sealed record Latency(double P50, double P90, double P99, double P999, double Max);

internal sealed record LoadResult(
    int Clients,
    int TargetRate,
    TimeSpan Window,
    long Acked,
    double AckedPerSecond,
    long Delivered,
    long Errors,
    Latency Ack,
    Latency Delivery);
