using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using HdrHistogram;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Client;
using Vigil.Contracts;
using Vigil.LoadTest.Connections;
using Vigil.LoadTest.Measurement;
using Vigil.Server.Messaging;

namespace Vigil.LoadTest.Scenarios;

/// <summary>
/// 1c, Vigil on SQLite only: the group-commit writer in this process (no network, no SignalR) offered sends on a
/// fixed schedule, one conversation of 50 in turn, ledger, encryption and search index on. Latency from each send's
/// scheduled time to its durable ack, the writer's own batch and commit (fsync) times, and the I/O calls each message
/// cost: what the round trip's tail owes to the writer, apart from the transport and the load generator.
/// </summary>
internal static class WriterAtRateScenario
{
    private const string Column = "Vigil SQLite";
    private const string Password = "Wr1ter-Rate-Bench-2026!";
    private const int Conversations = 50;

    public static async Task RunAsync(Profile profile, Results results, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("vigil-writer-rate-").FullName;
        try
        {
            await using var factory = InProcessVigil.Start(folder);
            var (admin, me) = await InProcessVigil.SetUpAsync(factory, "scheduler", Password, cancellationToken);
            using var signedIn = admin;
            var conversations = new List<Guid>();
            for (var i = 0; i < Conversations; i++)
            {
                var other = await admin.CreateUserAsync(new CreateUserRequest($"peer{i}", Password, $"Peer {i}", $"peer{i}@example.org", [VigilRoles.Researcher]), cancellationToken);
                conversations.Add((await admin.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Direct, [other.Id]), cancellationToken)).Id);
            }

            var writer = factory.Services.GetRequiredService<MessageWriter>();
            using var meter = new WriterMeter();
            var sent = 0L;
            Task<LongHistogram> Offer(int rate, TimeSpan length) =>
                OfferAsync(rate, length, () =>
                {
                    var n = Interlocked.Increment(ref sent);
                    var request = new SendMessageRequest($"r{n}", $"{LoadConnection.Body} #{n}");
                    return writer.SubmitAsync(new SendMessageCommand(conversations[(int)(n % Conversations)], me.Id, request), cancellationToken);
                }, cancellationToken);

            await Offer(profile.WriterRates[0], TimeSpan.FromSeconds(profile.WriterWarmUpSeconds));
            using var process = Process.GetCurrentProcess();
            foreach (var rate in profile.WriterRates)
            {
                meter.Reset();
                process.Refresh();
                var cpu = process.TotalProcessorTime;
                var io = ProcessIo.Now();
                var acks = await Offer(rate, TimeSpan.FromSeconds(profile.WriterSeconds));
                var ioPerWindow = ProcessIo.Now() - io;
                process.Refresh();
                var perMessage = (process.TotalProcessorTime - cpu).TotalMicroseconds / acks.TotalCount;
                results.Add(Row(rate), Column, string.Create(CultureInfo.InvariantCulture,
                    $"{Ms(acks, 50)} / {Ms(acks, 99)} / {Ms(acks, 99.9)} (batch p99 {meter.BatchP99:0.0}, commit p99 {meter.CommitP99:0.0} ms; {meter.PerCommit:0.0} msg/commit; {perMessage:N0} µs CPU/msg; {ioPerWindow.PerMessage(acks.TotalCount)})"));
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    public static string Row(int rate) =>
        string.Create(CultureInfo.InvariantCulture, $"1c. writer at a fixed rate @ {rate:N0} msg/s, in process: ack p50 / p99 / p99.9 ms");

    private static string Ms(LongHistogram histogram, double percentile) =>
        (histogram.GetValueAtPercentile(percentile) / 1000.0).ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>
    /// Sends on a schedule for <paramref name="length"/>: every millisecond, whatever has come due, each timed from
    /// when it was due (a writer that stalls shows in the latency, not in fewer sends).
    /// </summary>
    private static async Task<LongHistogram> OfferAsync(int rate, TimeSpan length, Func<Task> send, CancellationToken cancellationToken)
    {
        var acks = new LongHistogram(1, 600_000_000, 3);
        var pending = new List<Task>();
        var start = Stopwatch.GetTimestamp();
        var interval = (double)Stopwatch.Frequency / rate;
        var count = (long)(rate * length.TotalSeconds);
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(1));
        for (var n = 0L; n < count;)
        {
            await tick.WaitForNextTickAsync(cancellationToken);
            for (var due = start + (long)(n * interval); n < count && due <= Stopwatch.GetTimestamp(); due = start + (long)(n * interval))
            {
                n++;
                var scheduled = due;
                pending.Add(Task.Run(async () =>
                {
                    await send();
                    var micros = Math.Max(1, (long)Stopwatch.GetElapsedTime(scheduled).TotalMicroseconds);
                    lock (acks)
                    {
                        acks.RecordValue(micros);
                    }
                }, cancellationToken));
            }
        }

        await Task.WhenAll(pending);
        return acks;
    }

    /// <summary>The writer's meter (<see cref="WriterMetrics"/>): batch and commit durations, commands per commit.</summary>
    private sealed class WriterMeter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly LongHistogram _batch = new(1, 600_000_000, 3);
        private readonly LongHistogram _commit = new(1, 600_000_000, 3);
        private long _commits;
        private long _commands;

        public WriterMeter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == WriterMetrics.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>((instrument, milliseconds, _, _) =>
            {
                var histogram = instrument.Name == "vigil.writer.batch.duration" ? _batch : instrument.Name == "vigil.writer.commit.duration" ? _commit : null;
                lock (_batch)
                {
                    histogram?.RecordValue(Math.Max(1, (long)(milliseconds * 1000)));
                }
            });
            _listener.SetMeasurementEventCallback<int>((instrument, size, _, _) =>
            {
                if (instrument.Name == "vigil.writer.batch.size")
                {
                    Interlocked.Increment(ref _commits);
                    Interlocked.Add(ref _commands, size);
                }
            });
            _listener.Start();
        }

        public double BatchP99 => P99(_batch);

        public double CommitP99 => P99(_commit);

        public double PerCommit => Interlocked.Read(ref _commands) / (double)Math.Max(1, Interlocked.Read(ref _commits));

        public void Reset()
        {
            lock (_batch)
            {
                _batch.Reset();
                _commit.Reset();
            }

            Interlocked.Exchange(ref _commits, 0);
            Interlocked.Exchange(ref _commands, 0);
        }

        private double P99(LongHistogram histogram)
        {
            lock (_batch)
            {
                return histogram.GetValueAtPercentile(99) / 1000.0;
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
