using Vigil.Client;
using Vigil.Contracts;

namespace Vigil.LoadTest;

/// <summary>
/// Vigil's users and conversations for the scenarios: users are created once (Researcher role) and stay signed in
/// across scenarios; member m is signed in on node m mod n. Password hashing makes this the slow part of a run.
/// </summary>
internal sealed class Provisioner : IDisposable
{
    private const string Password = "L0ad-Test-Passw0rd!";
    private readonly List<(VigilClient Client, UserDto User)> _users = [];
    private IReadOnlyList<Uri> _nodes = [];
    private VigilClient? _admin;

    public async Task SetUpAsync(IReadOnlyList<Uri> nodes)
    {
        _nodes = nodes;
        _admin = new VigilClient(nodes[0]);
        await _admin.SetupAsync(new CreateUserRequest("loadadmin", Password, "Load admin", "load@example.org"));
        await _admin.SignInAsync("loadadmin", Password);
    }

    public async Task<IReadOnlyList<(VigilClient Client, UserDto User)>> SignInAsync(int count, CancellationToken cancellationToken)
    {
        if (_users.Count >= count)
        {
            return _users;
        }

        var added = new (VigilClient, UserDto)[count - _users.Count];
        var first = _users.Count;
        var done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(first, added.Length), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var name = $"load{i:D5}";
            await _admin!.CreateUserAsync(new CreateUserRequest(name, Password, $"Load {i}", $"{name}@example.org", [VigilRoles.Researcher]), ct);
            var client = new VigilClient(_nodes[i % _nodes.Count]);
            await client.SignInAsync(name, Password, cancellationToken: ct);
            added[i - first] = (client, await client.GetMeAsync(ct));
            if (Interlocked.Increment(ref done) % 100 == 0)
            {
                Console.Error.Write($"\r  users {first + done}/{count} ");
            }
        });
        _users.AddRange(added);
        Console.Error.Write("\r");
        return _users;
    }

    /// <summary>Two members: a direct conversation; more: a group created by its first member.</summary>
    public async Task<IReadOnlyList<string>> CreateConversationsAsync(IReadOnlyList<IReadOnlyList<int>> groups, CancellationToken cancellationToken)
    {
        var keys = new string[groups.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, groups.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (g, ct) =>
        {
            var members = groups[g];
            var others = members.Skip(1).Select(m => _users[m].User.Id).ToList();
            var request = members.Count == 2
                ? new CreateConversationRequest(ConversationKinds.Direct, others)
                : new CreateConversationRequest(ConversationKinds.Group, others, $"Load group {g} of {members.Count}");
            keys[g] = (await _users[members[0]].Client.CreateConversationAsync(request, ct)).Id.ToString();
        });
        return keys;
    }

    public void Dispose()
    {
        _admin?.Dispose();
        foreach (var (client, _) in _users)
        {
            client.Dispose();
        }
    }
}
