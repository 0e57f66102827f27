using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Vigil.Server.Identity;

/// <summary>
/// Guards first-run setup: the first Administrator may be created from the machine itself, or from elsewhere with the
/// one-time token written to the data folder at start (<see cref="SetupAnnouncer"/>). Setup is serialised so two
/// racing requests cannot both create an Administrator.
/// </summary>
public sealed class SetupGate(ISecureTokenGenerator tokens)
{
    private readonly SemaphoreSlim _lock = new(1, 1);

    public string Token { get; } = tokens.NewToken("vst_");

    public SemaphoreSlim Lock => _lock;

    /// <summary>An in-process host (tests) or a Unix socket has no remote address: it is as local as loopback.</summary>
    public static bool IsLocal(HttpContext context) =>
        context.Connection.RemoteIpAddress is not { } address || IPAddress.IsLoopback(address);

    public bool Accepts(string? token) =>
        token is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(Token));
}
