namespace Vigil.Server.Data;

/// <summary>Hands out ids; injectable so tests can replay a scenario with known ids.</summary>
public interface IIdGenerator
{
    Guid NewId();
}

/// <summary>Time-ordered UUIDv7 ids (RFC 9562), so index inserts stay at the end of the b-tree.</summary>
internal sealed class UuidV7IdGenerator(TimeProvider time) : IIdGenerator
{
    public Guid NewId() => Guid.CreateVersion7(time.GetUtcNow());
}
