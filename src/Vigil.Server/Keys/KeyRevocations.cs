using Vigil.Server.Ledger;

namespace Vigil.Server.Keys;

/// <summary>
/// Tells the node's key caches that an erasure destroyed keys: the data key of <c>dataSubject</c> and the commitment
/// keys of <c>commitmentSubjects</c>. Called after the erasure has committed.
/// </summary>
public interface IKeyRevocations
{
    Task RevokeAsync(Guid dataSubject, IReadOnlyList<Guid> commitmentSubjects, CancellationToken cancellationToken);
}

/// <summary>One node (or the offline CLI): forgets the keys in this process.</summary>
public sealed class LocalKeyRevocations(DataKeyStore dataKeys, CommitmentKeyStore commitmentKeys) : IKeyRevocations
{
    public Task RevokeAsync(Guid dataSubject, IReadOnlyList<Guid> commitmentSubjects, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commitmentSubjects);
        Forget(dataSubject, commitmentSubjects);
        return Task.CompletedTask;
    }

    internal void Forget(Guid dataSubject, IReadOnlyList<Guid> commitmentSubjects)
    {
        dataKeys.Forget(dataSubject);
        foreach (var subject in commitmentSubjects)
        {
            commitmentKeys.Forget(subject);
        }
    }
}
