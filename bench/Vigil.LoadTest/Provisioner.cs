using System.Net;
using Vigil.Client;
using Vigil.Contracts;

namespace Vigil.LoadTest;

/// <summary>Creates the users and the direct conversations between pairs of them, or reuses those of an earlier run.</summary>
internal static class Provisioner
{
    public const string Password = "L0ad-Test-Passw0rd!";

    public static async Task<IReadOnlyList<(VigilClient Client, UserDto User)>> SignInUsersAsync(Uri server, int count)
    {
        using (var admin = new VigilClient(server))
        {
            try
            {
                await admin.SetupAsync(new CreateUserRequest("loadadmin", Password, "Load admin", "load@example.org"));
            }
            catch (VigilApiException e) when (e.Status == HttpStatusCode.Forbidden)
            {
                // An earlier run set the server up.
            }

            await admin.SignInAsync("loadadmin", Password);
            var existing = (await admin.ListUsersAsync()).Select(u => u.Username).ToHashSet();
            var created = 0;
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
            {
                var name = UserName(i);
                if (!existing.Contains(name))
                {
                    await admin.CreateUserAsync(new CreateUserRequest(name, Password, $"Load {i}", $"{name}@example.org", [VigilRoles.Researcher]), ct);
                    Progress("created", Interlocked.Increment(ref created), count);
                }
            });
        }

        var clients = new (VigilClient, UserDto)[count];
        var signedIn = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            var client = new VigilClient(server);
            await client.SignInAsync(UserName(i), Password, cancellationToken: ct);
            clients[i] = (client, await client.GetMeAsync(ct));
            Progress("signed in", Interlocked.Increment(ref signedIn), count);
        });
        Console.Error.WriteLine();
        return clients;
    }

    /// <summary>Pairs 2k and 2k+1 in a direct conversation; each message then reaches two connections.</summary>
    public static async Task<Guid[]> PairAsync(IReadOnlyList<(VigilClient Client, UserDto User)> users)
    {
        var conversations = new Guid[users.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, users.Count / 2), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (pair, ct) =>
        {
            var (a, b) = (users[2 * pair], users[(2 * pair) + 1]);
            var conversation = await a.Client.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Direct, [b.User.Id]), ct);
            conversations[2 * pair] = conversations[(2 * pair) + 1] = conversation.Id;
        });
        return conversations;
    }

    private static string UserName(int i) => $"load{i:D5}";

    private static void Progress(string what, int done, int of)
    {
        if (done % 50 == 0 || done == of)
        {
            Console.Error.Write($"\r{what} {done}/{of} users ");
        }
    }
}
