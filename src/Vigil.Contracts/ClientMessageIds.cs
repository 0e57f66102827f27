namespace Vigil.Contracts;

/// <summary>
/// Client message ids as the SDK and the web client make them: UUIDv7 (RFC 9562) in 32 hex digits, so ids made
/// later sort later. The server's idempotency index is led by this id; ordered ids insert at its end, and the sends
/// of one group commit share a page instead of dirtying one each. Any unique string up to 100 characters is still
/// accepted; random ones only cost the server more writes.
/// </summary>
public static class ClientMessageIds
{
    public static string New() => Guid.CreateVersion7().ToString("N");

    /// <summary>An id of the given time: for a caller that keeps its own clock (tests, replays).</summary>
    public static string New(DateTimeOffset now) => Guid.CreateVersion7(now).ToString("N");
}
