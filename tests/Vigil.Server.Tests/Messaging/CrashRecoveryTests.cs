using System.Collections.Concurrent;
using Vigil.Client;
using Vigil.Contracts;
using Vigil.Testing;

namespace Vigil.Server.Tests.Messaging;

/// <summary>The durability promise, tested the hard way: kill -9 the real server in the middle of a stream of sends.</summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("vigil-crash-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }

    [Fact]
    public async Task A_killed_server_loses_no_acknowledged_message_and_stores_none_twice()
    {
        Guid conversationId;
        var acknowledged = new ConcurrentDictionary<string, MessageDto>();
        var attempted = new ConcurrentBag<string>();
        await using (var server = await ServerProcess.StartAsync(_data))
        {
            using var admin = new VigilClient(server.Address) { SendRetries = 0 };
            await admin.SetupAsync(new CreateUserRequest("admin", VigilServerFactory.AdminPassword, "Admin", "admin@example.org"));
            await admin.SignInAsync("admin", VigilServerFactory.AdminPassword);
            var bob = await admin.CreateUserAsync(new CreateUserRequest("bob", VigilServerFactory.UserPassword, "Bob", "bob@example.org"));
            conversationId = (await admin.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Direct, [bob.Id]))).Id;

            using var stop = new CancellationTokenSource();
            var senders = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var clientId = $"w{worker}-{i}";
                    attempted.Add(clientId);
                    try
                    {
                        acknowledged[clientId] = await admin.SendMessageAsync(conversationId, $"reading {worker}/{i}", clientId);
                    }
                    catch (Exception e) when (e is HttpRequestException or VigilApiException or TaskCanceledException or IOException)
                    {
                        return;
                    }
                }
            })).ToList();

            while (acknowledged.Count < 400)
            {
                await Task.Delay(10);
            }

            server.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(senders);
        }

        await using var restarted = await ServerProcess.StartAsync(_data);
        using var reader = new VigilClient(restarted.Address);
        await reader.SignInAsync("admin", VigilServerFactory.AdminPassword);
        var stored = await ReadAllAsync(reader, conversationId);

        var storedIds = stored.Select(m => m.Id).ToHashSet();
        Assert.All(acknowledged.Values, ack => Assert.Contains(ack.Id, storedIds));
        Assert.Equal(Enumerable.Range(1, stored.Count).Select(i => (long)i), stored.Select(m => m.Sequence));
        Assert.Equal(stored.Count, stored.Select(m => m.ClientMessageId).Distinct().Count());

        // Retrying every attempt, acknowledged or not, stores each message exactly once.
        foreach (var clientId in attempted.Distinct())
        {
            var again = await reader.SendMessageAsync(conversationId, "retry", clientId);
            if (acknowledged.TryGetValue(clientId, out var first))
            {
                Assert.Equal(first.Id, again.Id);
            }
        }

        var afterRetry = await ReadAllAsync(reader, conversationId);
        Assert.Equal(attempted.Distinct().Count(), afterRetry.Count);
    }

    private static async Task<List<MessageDto>> ReadAllAsync(VigilClient client, Guid conversationId)
    {
        var all = new List<MessageDto>();
        while (true)
        {
            var page = await client.GetMessagesAsync(conversationId, after: all.Count == 0 ? 0 : all[^1].Sequence, limit: 500);
            all.AddRange(page);
            if (page.Count < 500)
            {
                return all;
            }
        }
    }
}
