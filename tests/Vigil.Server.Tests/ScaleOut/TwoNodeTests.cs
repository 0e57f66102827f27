using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Client;
using Vigil.Contracts;
using Vigil.Server.Hosting;
using Vigil.Server.Ledger;
using Vigil.Testing;

namespace Vigil.Server.Tests.ScaleOut;

/// <summary>
/// Two server processes on one PostgreSQL database and one Redis backplane, with clients on each: what one node's
/// client sends reaches the other node's client live, both nodes write at once, and the ledger stays one tree.
/// Needs the test command's PostgreSQL and Redis (fails without them, never skips).
/// </summary>
public sealed class TwoNodeTests : IAsyncLifetime
{
    private const string Password = "Two-Nodes-2026!";
    private readonly string _data = Directory.CreateTempSubdirectory("vigil-two-nodes-").FullName;
    private readonly string _database = TestDatabase.CreatePostgresDatabase();
    private ServerProcess _a = default!;
    private ServerProcess _b = default!;

    private Dictionary<string, string> Environment => new()
    {
        ["Vigil__Database"] = "postgres",
        ["Vigil__ConnectionString"] = _database,
        ["Vigil__Redis"] = TestRedis.ConnectionString,
        ["Vigil__RedisChannelPrefix"] = "vigil-" + Path.GetFileName(_data),
        ["Vigil__Keys__CacheLifetime"] = KeyCacheLifetime.ToString("c", CultureInfo.InvariantCulture),
    };

    // Long: a node that stops using a destroyed key within the test heard of the erasure; it did not wait for expiry.
    private static readonly TimeSpan KeyCacheLifetime = TimeSpan.FromMinutes(10);

    public async Task InitializeAsync()
    {
        // One after the other: the first start creates the keys in the shared data folder, the second reads them.
        _a = await ServerProcess.StartAsync(_data, environment: Environment);
        _b = await ServerProcess.StartAsync(_data, environment: Environment);
    }

    /// <summary>An administrator on node A creates Alice and Bob; Alice signs in through <paramref name="alice"/>, Bob through node B; a direct conversation between them.</summary>
    private async Task<(VigilClient Alice, VigilClient Bob, UserDto BobUser, ConversationDto Direct)> PeopleAsync(VigilClient alice)
    {
        using var admin = new VigilClient(_a.Address);
        await admin.SetupAsync(new CreateUserRequest("admin", Password, "Ada Admin", "admin@example.org"));
        await admin.SignInAsync("admin", Password);
        await admin.CreateUserAsync(new CreateUserRequest("alice", Password, "Alice", "alice@example.org", [VigilRoles.Clinician]));
        var bobUser = await admin.CreateUserAsync(new CreateUserRequest("bob", Password, "Bob", "bob@example.org", [VigilRoles.Clinician]));
        await alice.SignInAsync("alice", Password);
        var bob = new VigilClient(_b.Address);
        await bob.SignInAsync("bob", Password);
        var direct = await alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Direct, [bobUser.Id]));
        return (alice, bob, bobUser, direct);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        TestDatabase.DropPostgresDatabase(_database);
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Clients_on_different_nodes_talk_live_while_both_nodes_write_and_the_ledger_stays_one_tree()
    {
        var (alice, bob, bobUser, conversation) = await PeopleAsync(new VigilClient(_a.Address));
        using var aliceClient = alice;
        using var bobClient = bob;

        await using var aliceChat = alice.CreateChatConnection();
        await using var bobChat = bob.CreateChatConnection();
        var aliceInbox = new ConcurrentDictionary<Guid, MessageDto>();
        var bobInbox = new ConcurrentDictionary<Guid, MessageDto>();
        var typing = new TaskCompletionSource<TypingDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        aliceChat.MessageReceived += m => { aliceInbox[m.Id] = m; return Task.CompletedTask; };
        bobChat.MessageReceived += m => { bobInbox[m.Id] = m; return Task.CompletedTask; };
        bobChat.Typing += t => { typing.TrySetResult(t); return Task.CompletedTask; };
        await aliceChat.StartAsync();
        await bobChat.StartAsync();

        // Presence is the cluster's: Alice asks node A and sees Bob, who is connected to node B.
        await WaitUntilAsync(async () => (await alice.GetPresenceAsync()).Any(p => p.UserId == bobUser.Id && p.Status == PresenceStatuses.Online));

        // A group created on node A reaches Bob on node B live, from its first message.
        var added = new TaskCompletionSource<ConversationDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        bobChat.ConversationAdded += c => { added.TrySetResult(c); return Task.CompletedTask; };
        var group = await alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Group, [bobUser.Id], "Cross-node group"));
        Assert.Equal(group.Id, (await added.Task.WaitAsync(TimeSpan.FromSeconds(10))).Id);
        var first = await aliceChat.SendMessageAsync(group.Id, "First words in the new group");
        await WaitUntilAsync(() => bobInbox.ContainsKey(first.Id) && aliceInbox.ContainsKey(first.Id));
        bobInbox.Clear();
        aliceInbox.Clear();

        // B to A, live.
        var hello = await bobChat.SendMessageAsync(conversation.Id, "Hello from node B");
        await WaitUntilAsync(() => aliceInbox.ContainsKey(hello.Id));
        // Typing crosses too.
        await aliceChat.SendTypingAsync(conversation.Id);
        Assert.Equal(conversation.Id, (await typing.Task.WaitAsync(TimeSpan.FromSeconds(10))).ConversationId);

        // Both nodes write into the same conversation at once.
        const int each = 100;
        var fromA = Task.WhenAll(Enumerable.Range(0, each).Select(i => alice.SendMessageAsync(conversation.Id, $"A {i}")));
        var fromB = Task.WhenAll(Enumerable.Range(0, each).Select(i => bob.SendMessageAsync(conversation.Id, $"B {i}")));
        var acknowledged = (await fromA).Concat(await fromB).Append(hello).ToList();
        Assert.Equal(Enumerable.Range(1, (2 * each) + 1).Select(i => (long)i), acknowledged.Select(m => m.Sequence).Order());
        await WaitUntilAsync(() => aliceInbox.Count == acknowledged.Count && bobInbox.Count == acknowledged.Count);

        // Catch-up reads the same history from either node.
        var fromNodeA = await alice.GetMessagesAsync(conversation.Id, limit: 500);
        var fromNodeB = await bob.GetMessagesAsync(conversation.Id, limit: 500);
        Assert.Equal(fromNodeA.Select(m => m.Id), fromNodeB.Select(m => m.Id));

        // A node dies; every acknowledged message is still there on the other.
        _b.Kill();
        var afterKill = await alice.GetMessagesAsync(conversation.Id, limit: 500);
        Assert.Equal(acknowledged.Select(m => m.Id).Order(), afterKill.Select(m => m.Id).Order());

        Assert.True(await VerifyLedgerAsync(), "the ledger written by both nodes does not verify");
    }

    [Fact]
    public async Task An_erasure_on_one_node_stops_the_other_from_writing_with_the_destroyed_key_at_once()
    {
        var (alice, bob, _, direct) = await PeopleAsync(new VigilClient(_a.Address));
        using var aliceClient = alice;
        using var bobClient = bob;
        using var admin = new VigilClient(_a.Address);
        await admin.SignInAsync("admin", Password);
        await admin.CreateUserAsync(new CreateUserRequest("dpo", Password, "Dana Protection", "dpo@example.org", [VigilRoles.ComplianceOfficer]));
        using var dpo = new VigilClient(_a.Address);
        await dpo.SignInAsync("dpo", Password);

        // Node B has the conversation's keys in its cache, for ten minutes.
        await bob.SendMessageAsync(direct.Id, "Written through node B");
        await dpo.EraseSubjectAsync(direct.Id, "GDPR Art. 17 request, cross-node");

        // Node A forgot the keys in the erasure; node B when the erasure's announcement reached it over Redis.
        var onA = await Assert.ThrowsAsync<VigilApiException>(() => alice.SendMessageAsync(direct.Id, "After the erasure, node A"));
        Assert.Equal(HttpStatusCode.Gone, onA.Status);
        var erased = Stopwatch.StartNew();
        VigilApiException? onB = null;
        while (onB is null && erased.Elapsed < TimeSpan.FromSeconds(5))
        {
            try
            {
                await bob.SendMessageAsync(direct.Id, "After the erasure, node B");
                await Task.Delay(100);
            }
            catch (VigilApiException refused)
            {
                onB = refused;
            }
        }

        Assert.Equal(HttpStatusCode.Gone, onB?.Status);
        // And stays refused: node B does not read the destroyed key back into its cache.
        Assert.Equal(HttpStatusCode.Gone, (await Assert.ThrowsAsync<VigilApiException>(() => bob.SendMessageAsync(direct.Id, "Still refused"))).Status);
    }

    [Fact]
    public async Task Membership_changes_on_one_node_reach_the_members_connections_on_the_other()
    {
        var (alice, bob, bobUser, _) = await PeopleAsync(new VigilClient(_a.Address));
        using var aliceClient = alice;
        using var bobClient = bob;
        var group = await alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Channel, [], "Cross-node membership"));

        // Bob's connection to node B is a bare hub connection: no SDK help (no Subscribe, no catch-up).
        var bobLive = new ConcurrentQueue<MessageDto>();
        await using var bobHub = new HubConnectionBuilder()
            .WithUrl(new Uri(_b.Address, ChatHubContract.Path), o => o.AccessTokenProvider = () => bob.GetAccessTokenAsync())
            .Build();
        bobHub.On<MessageDto>(nameof(IChatClient.MessageCreated), m => bobLive.Enqueue(m));
        await bobHub.StartAsync();

        // Added on node A: node B puts Bob's connection into the group.
        await alice.AddMemberAsync(group.Id, bobUser.Id);
        await WaitUntilAsync(async () =>
        {
            await alice.SendMessageAsync(group.Id, "Can Bob hear this?");
            await Task.Delay(200);
            return !bobLive.IsEmpty;
        });

        // Removed on node A: node B takes Bob's connection out of the group.
        await alice.RemoveMemberAsync(group.Id, bobUser.Id);
        await Task.Delay(500);
        bobLive.Clear();
        var secret = await alice.SendMessageAsync(group.Id, "Bob has left; he must not read this");
        var control = await alice.SendMessageAsync(group.Id, "Nor this");
        await Task.Delay(1000);

        Assert.DoesNotContain(bobLive, m => m.Id == secret.Id || m.Id == control.Id);
    }

    [Fact]
    public async Task A_client_given_both_nodes_carries_on_through_the_other_when_its_node_dies()
    {
        var (alice, bob, _, conversation) = await PeopleAsync(new VigilClient([_a.Address, _b.Address]));
        using var aliceClient = alice;
        using var bobClient = bob;

        await using var aliceChat = alice.CreateChatConnection();
        await using var bobChat = bob.CreateChatConnection();
        var aliceInbox = new ConcurrentQueue<MessageDto>();
        var bobInbox = new ConcurrentQueue<MessageDto>();
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        aliceChat.MessageReceived += m => { aliceInbox.Enqueue(m); return Task.CompletedTask; };
        aliceChat.Reconnected += _ => { reconnected.TrySetResult(); return Task.CompletedTask; };
        bobChat.MessageReceived += m => { bobInbox.Enqueue(m); return Task.CompletedTask; };
        await aliceChat.StartAsync();
        await bobChat.StartAsync();
        var before = await bobChat.SendMessageAsync(conversation.Id, "Before node A goes");
        await WaitUntilAsync(() => aliceInbox.Any(m => m.Id == before.Id));
        Assert.Equal(_a.Address.Port, alice.BaseAddress.Port);

        _a.Kill();
        var during = await bob.SendMessageAsync(conversation.Id, "While node A is down");
        await reconnected.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(_b.Address.Port, alice.BaseAddress.Port);
        var after = await bobChat.SendMessageAsync(conversation.Id, "After Alice moved to node B");
        var reply = await aliceChat.SendMessageAsync(conversation.Id, "Reply from Alice, through node B");
        var rest = await alice.GetMessagesAsync(conversation.Id);

        await WaitUntilAsync(() => aliceInbox.Any(m => m.Id == after.Id) && bobInbox.Any(m => m.Id == reply.Id));
        // Everything once, in order, whichever node delivered it (the one missed while moving came by catch-up).
        Assert.Equal([before.Id, during.Id, after.Id, reply.Id], aliceInbox.Select(m => m.Id));
        Assert.Equal([before.Id, during.Id, after.Id, reply.Id], rest.Select(m => m.Id));
    }

    private async Task<bool> VerifyLedgerAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Vigil:DataDirectory"] = _data,
            ["Vigil:Database"] = "postgres",
            ["Vigil:ConnectionString"] = _database,
        }).Build();
        await using var provider = new ServiceCollection().AddVigilOffline(configuration).BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        var pem = await File.ReadAllTextAsync(Path.Combine(_data, "keys", "ledger-signing.pub.pem"));
        var result = await scope.ServiceProvider.GetRequiredService<LedgerVerifier>().VerifyAsync(pem, null, CancellationToken.None);
        Assert.True(result.Entries > 200, $"{result.Entries} entries");
        return result.Holds;
    }

    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting across nodes");
            await Task.Delay(50);
        }
    }
}
