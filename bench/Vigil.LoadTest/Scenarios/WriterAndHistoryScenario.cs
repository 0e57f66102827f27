using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Client;
using Vigil.Contracts;
using Vigil.LoadTest.Connections;
using Vigil.LoadTest.Measurement;
using Vigil.LoadTest.Targets;
using Vigil.Server.Messaging;

namespace Vigil.LoadTest.Scenarios;

/// <summary>
/// 1b and 5, Vigil on SQLite only: the writer alone (in this process, no network: commands straight into the
/// group-commit writer, ledger and encryption on) fills one conversation with the profile's message count; the
/// same-sized plain SQLite inserts at the same batch size give the ceiling it is compared with; then the real server
/// starts on that folder and serves pages of 50 messages from the middle of the conversation.
/// </summary>
internal static class WriterAndHistoryScenario
{
    private const string Column = "Vigil SQLite";
    private const string Password = "Hist0ry-Bench-2026!";

    public static async Task RunAsync(Profile profile, Results results, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("vigil-history-").FullName;
        try
        {
            var (conversationId, batch) = await FillAsync(folder, profile.HistoryMessages, results, cancellationToken);
            var ceiling = SqliteCeiling(Path.Combine(folder, "ceiling.db"), Math.Max(1, (int)Math.Round(batch)), profile.CeilingWindow);
            results.Add("1b. SQLite group-commit ceiling at the writer's batch size, rows/s", Column, ceiling.ToString("N0", CultureInfo.InvariantCulture), ceiling);
            var writer = results.Number("1b. writer alone: durable messages/s", Column) ?? 0;
            results.Add("1b. writer alone as % of the SQLite ceiling", Column, string.Create(CultureInfo.InvariantCulture, $"{writer / ceiling * 100:0}%"));
            await HistoryAsync(folder, conversationId, profile, results, cancellationToken);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(Guid Conversation, double MessagesPerCommit)> FillAsync(string folder, int messages, Results results, CancellationToken cancellationToken)
    {
        await using var factory = InProcessVigil.Start(folder);
        var (admin, me) = await InProcessVigil.SetUpAsync(factory, "historian", Password, cancellationToken);
        using var signedIn = admin;
        var other = await admin.CreateUserAsync(new CreateUserRequest("reader", Password, "Reader", "reader@example.org", [VigilRoles.Researcher]), cancellationToken);
        var conversation = await admin.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Group, [other.Id], "One million messages"), cancellationToken);

        long commits = 0, committed = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "vigil.writer.batch.size")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, size, _, _) =>
        {
            Interlocked.Increment(ref commits);
            Interlocked.Add(ref committed, size);
        });
        listener.Start();

        var writer = factory.Services.GetRequiredService<MessageWriter>();
        var next = -1;
        var clock = Stopwatch.StartNew();
        var submitters = Enumerable.Range(0, 1000).Select(_ => Task.Run(async () =>
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) < messages)
            {
                var request = new SendMessageRequest($"h{n}", $"{LoadConnection.Body} {DrugsOf(n)} #{n}");
                await writer.SubmitAsync(new SendMessageCommand(conversation.Id, me.Id, request), cancellationToken);
                if (n % 20_000 == 0)
                {
                    Console.Error.Write($"\r  writer alone: {n:N0}/{messages:N0} ");
                }
            }
        }, cancellationToken)).ToList();
        await Task.WhenAll(submitters);
        var elapsed = clock.Elapsed;
        Console.Error.Write("\r");
        var rate = messages / elapsed.TotalSeconds;
        var perCommit = committed / (double)Math.Max(1, commits);
        results.Add("1b. writer alone: durable messages/s", Column, rate.ToString("N0", CultureInfo.InvariantCulture) + $" ({messages:N0} into one conversation, one core, search indexer running)", rate);
        results.Add("1b. writer alone: messages per commit (fsync)", Column, perCommit.ToString("N0", CultureInfo.InvariantCulture));

        // The search index trails the writer; the last message's number is a word only it holds.
        var last = (messages - 1).ToString(CultureInfo.InvariantCulture);
        while ((await admin.SearchAsync(last, cancellationToken: cancellationToken)).Count == 0)
        {
            await Task.Delay(200, cancellationToken);
        }

        var indexed = clock.Elapsed;
        results.Add("1b. search index: caught up after the last ack / messages indexed per second", Column, string.Create(CultureInfo.InvariantCulture,
            $"{(indexed - elapsed).TotalSeconds:N1} s / {messages / indexed.TotalSeconds:N0}"));
        return (conversation.Id, perCommit);
    }

    // Every message names two drugs of 2,000, so a drug is in about one message in a thousand and the body's other
    // words are in all of them: the search scenario asks for both kinds.
    private static readonly Lazy<string[]> Drugs = new(() => [.. Vigil.Safety.Lexicons.DrugLexicon.ShippedNames()
        .Where(n => n.Length >= 6 && n.All(char.IsLetter)).Order(StringComparer.Ordinal).Take(2000)]);

    private static string DrugsOf(int n) => $"{Drugs.Value[n % 2000]} {Drugs.Value[(n / 2000 * 7 + n) % 2000]}";

    /// <summary>Plain inserts of rows the size of a stored message (id, conversation, sequence, 150-byte body) in one
    /// WAL database with synchronous=FULL, committed every <paramref name="batch"/> rows, for <paramref name="window"/>.</summary>
    private static double SqliteCeiling(string path, int batch, TimeSpan window)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE m (id BLOB PRIMARY KEY, c BLOB NOT NULL, s INTEGER NOT NULL, b BLOB NOT NULL); CREATE UNIQUE INDEX m_cs ON m(c, s);";
            setup.ExecuteNonQuery();
        }

        var conversation = Guid.NewGuid().ToByteArray();
        var body = new byte[150];
        Random.Shared.NextBytes(body);
        var rows = 0L;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < window)
        {
            using var transaction = connection.BeginTransaction();
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO m VALUES ($id, $c, $s, $b)";
            var id = insert.Parameters.Add("$id", SqliteType.Blob);
            insert.Parameters.AddWithValue("$c", conversation);
            var sequence = insert.Parameters.Add("$s", SqliteType.Integer);
            insert.Parameters.AddWithValue("$b", body);
            insert.Prepare();
            for (var i = 0; i < batch; i++)
            {
                id.Value = Guid.CreateVersion7().ToByteArray();
                sequence.Value = ++rows;
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        return rows / clock.Elapsed.TotalSeconds;
    }

    private static async Task HistoryAsync(string folder, Guid conversationId, Profile profile, Results results, CancellationToken cancellationToken)
    {
        var messages = profile.HistoryMessages;
        var warmUpLimit = TimeSpan.FromSeconds(profile.HistoryWarmUpSeconds);
        var address = new Uri($"http://127.0.0.1:{Vigil.Testing.ServerProcess.FreePort()}");
        await using var server = await Pinning.StartServerAsync("Vigil.Server.dll", ["--urls", address.ToString(), "--data-dir", folder], address);
        using var reader = new VigilClient(address);
        await reader.SignInAsync("reader", Password, cancellationToken: cancellationToken);
        var latency = new Latency();
        var random = new Random(7);
        var requests = Math.Min(profile.HistoryRequests, messages / 10);
        Task<IReadOnlyList<MessageDto>> PageAsync(long before) =>
            reader.GetMessagesAsync(conversationId, before: before, limit: 50, cancellationToken: cancellationToken);
        var warmUp = await WarmUpAsync(() => PageAsync(random.NextInt64(1, messages + 1)), requests, warmUpLimit);
        for (var i = 0; i < requests; i++)
        {
            var before = random.NextInt64(messages / 4, (3L * messages / 4) + 1);
            var started = Stopwatch.GetTimestamp();
            var page = await PageAsync(before);
            latency.RecordSince(started);

            if (page.Count != 50 || page[^1].Sequence != before - 1)
            {
                results.Fail(Column, $"history: a page before {before} came back with {page.Count} messages");
                return;
            }
        }

        results.Add($"5. history: 50 messages from the middle of {messages:N0}, p50 / p99 / p99.9 ms", Column, latency.Summary());
        results.Add("5. history: warm-up until the mean held steady, s", Column, warmUp.TotalSeconds.ToString("N0", CultureInfo.InvariantCulture));
        await SearchAsync(reader, requests, warmUpLimit, results, cancellationToken);
    }

    /// <summary>The same kind of request in windows until the mean latency holds steady (see SteadyState).</summary>
    private static Task<TimeSpan> WarmUpAsync(Func<Task> request, int requests, TimeSpan maximum) => SteadyState.WarmUpAsync(
        async () =>
        {
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < Math.Max(20, requests / 5); i++)
            {
                await request();
            }

            var took = Stopwatch.GetElapsedTime(started);
            return (took.TotalMilliseconds, took);
        },
        tolerance: 0.05,
        maximum: maximum);

    /// <summary>
    /// Permission-filtered search over the same messages: one rare word (a drug, in about one message in a thousand),
    /// and a rare word with a word every message holds ("headache"), which the planner walks from the rare side.
    /// </summary>
    private static async Task SearchAsync(VigilClient reader, int requests, TimeSpan warmUpLimit, Results results, CancellationToken cancellationToken)
    {
        var random = new Random(11);
        foreach (var (name, withCommon) in new[] { ("one rare word", false), ("a rare and a common word", true) })
        {
            var latency = new Latency();
            var empty = 0;
            string Query(string drug) => withCommon ? $"headache {drug}" : drug;
            await WarmUpAsync(() => reader.SearchAsync(Query(Drugs.Value[random.Next(Drugs.Value.Length)]), limit: 20, cancellationToken: cancellationToken), requests, warmUpLimit);
            for (var i = 0; i < requests; i++)
            {
                var drug = Drugs.Value[random.Next(Drugs.Value.Length)];
                var started = Stopwatch.GetTimestamp();
                var found = await reader.SearchAsync(Query(drug), limit: 20, cancellationToken: cancellationToken);
                latency.RecordSince(started);

                if (found.Count == 0 || found.Any(m => m.Body?.Contains(drug, StringComparison.OrdinalIgnoreCase) != true))
                {
                    empty++;
                }
            }

            if (empty > 0)
            {
                results.Fail(Column, $"search: {empty} queries for {name} found nothing or a message without the word");
            }

            results.Add($"5. search, {name}: 20 newest hits, p50 / p99 / p99.9 ms", Column, latency.Summary());
        }
    }
}
