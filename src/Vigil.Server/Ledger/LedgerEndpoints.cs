using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Server.Identity;
using Vigil.Server.Keys;
using Vigil.Server.Problems;

namespace Vigil.Server.Ledger;

internal static class LedgerEndpoints
{
    public const string AuditorPolicy = "Auditor";

    public static IEndpointRouteBuilder MapLedger(this IEndpointRouteBuilder app)
    {
        var ledger = app.MapGroup("/api/v1/ledger").WithTags("Ledger").RequireAuthorization(AuditorPolicy);
        ledger.MapGet("/checkpoint", Checkpoint).WithName("LedgerCheckpoint")
            .WithSummary("The newest signed checkpoint (tree size, root, time, signature) and the public key to check it.").ProducesProblem(404);
        ledger.MapGet("/entries", Entries).WithName("LedgerEntries")
            .WithSummary("Audit trail: entries filtered by actor, action, target prefix and time, in sequence order.");
        ledger.MapGet("/export", LedgerExport.ExportAsync).WithName("LedgerExport")
            .WithSummary("Audit-trail export (format=json or csv) with each entry's inclusion proof against the newest signed checkpoint; the export is itself ledgered.")
            .ProducesProblem(400).ProducesProblem(404);
        ledger.MapGet("/entries/{sequence:long}/proof", InclusionProof).WithName("LedgerInclusionProof")
            .WithSummary("RFC 9162 inclusion proof of one entry in the tree of a given size (default: newest checkpoint).").ProducesProblem(400).ProducesProblem(404);
        ledger.MapGet("/consistency", ConsistencyProof).WithName("LedgerConsistencyProof")
            .WithSummary("RFC 9162 consistency proof between two tree sizes.").ProducesProblem(400);
        return app;
    }

    private static async Task<Ok<CheckpointResponse>> Checkpoint(VigilDbContext db, LedgerSigningKey key, CancellationToken cancellationToken)
    {
        var latest = await db.LedgerCheckpoints.AsNoTracking().OrderByDescending(c => c.TreeSize)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false) ?? throw ProblemException.NotFound("A checkpoint");
        return TypedResults.Ok(new CheckpointResponse(latest.TreeSize, latest.RootHash, latest.IssuedAt, latest.Signature, key.PublicKeyPem));
    }

    private static async Task<Ok<List<LedgerEntryResponse>>> Entries(
        VigilDbContext db, Guid? actor, string? action, string? target, DateTimeOffset? from, DateTimeOffset? to, long? after, int? limit,
        bool? values, HttpContext context, DataKeyStore dataKeys, CancellationToken cancellationToken)
    {
        if (values == true && !context.User.IsComplianceReader())
        {
            throw ProblemException.Forbidden("Previous and new values of records are shown to compliance officers only.");
        }

        var size = limit ?? 100;
        if (size is < 1 or > 1000)
        {
            throw ProblemException.Validation("limit must be between 1 and 1000.");
        }

        var query = Filter(db.LedgerEntries.AsNoTracking(), actor, action, target, from, to).Where(e => e.Sequence > (after ?? -1));
        var rows = await query.OrderBy(e => e.Sequence).Take(size).ToListAsync(cancellationToken).ConfigureAwait(false);
        var responses = rows.Select(LedgerEntryResponse.Of).ToList();
        return TypedResults.Ok(values == true
            ? await LedgerValues.AttachAsync(db, dataKeys, responses, cancellationToken).ConfigureAwait(false)
            : responses);
    }

    /// <summary>The audit-trail filters, shared by the query and the export.</summary>
    internal static IQueryable<LedgerEntry> Filter(
        IQueryable<LedgerEntry> query, Guid? actor, string? action, string? target, DateTimeOffset? from, DateTimeOffset? to)
    {
        if (actor is not null)
        {
            query = query.Where(e => e.ActorId == actor);
        }

        if (!string.IsNullOrEmpty(action))
        {
            query = query.Where(e => e.Action == action);
        }

        if (!string.IsNullOrEmpty(target))
        {
            query = query.Where(e => e.Target.StartsWith(target));
        }

        if (from is not null)
        {
            query = query.Where(e => e.RecordedAt >= from);
        }

        if (to is not null)
        {
            query = query.Where(e => e.RecordedAt < to);
        }

        return query;
    }

    private static async Task<Ok<InclusionProofResponse>> InclusionProof(
        long sequence, long? treeSize, VigilDbContext db, LedgerTree tree, CancellationToken cancellationToken)
    {
        var entry = await db.LedgerEntries.AsNoTracking().SingleOrDefaultAsync(e => e.Sequence == sequence, cancellationToken).ConfigureAwait(false)
            ?? throw ProblemException.NotFound("The ledger entry");
        var size = treeSize ?? await db.LedgerCheckpoints.MaxAsync(c => (long?)c.TreeSize, cancellationToken).ConfigureAwait(false) ?? sequence + 1;
        return await tree.ReadAsync(db, [sequence, size - 1], t =>
        {
            if (size <= sequence || size > t.Size)
            {
                throw ProblemException.Validation($"treeSize must be above {sequence} and at most {t.Size}.");
            }

            return TypedResults.Ok(new InclusionProofResponse(
                LedgerEntryResponse.Of(entry), size, Convert.ToBase64String(t.Root(size)),
                [.. t.InclusionProof(sequence, size).Select(Convert.ToBase64String)]));
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Ok<ConsistencyProofResponse>> ConsistencyProof(
        long first, long second, VigilDbContext db, LedgerTree tree, CancellationToken cancellationToken) =>
        await tree.ReadAsync(db, [first - 1, second - 1], t =>
        {
            if (first < 1 || first > second || second > t.Size)
            {
                throw ProblemException.Validation($"Need 1 ≤ first ≤ second ≤ {t.Size}.");
            }

            return TypedResults.Ok(new ConsistencyProofResponse(first, second, Convert.ToBase64String(t.Root(first)),
                Convert.ToBase64String(t.Root(second)), [.. t.ConsistencyProof(first, second).Select(Convert.ToBase64String)]));
        }, cancellationToken).ConfigureAwait(false);

    internal sealed record CheckpointResponse(long TreeSize, string RootHash, DateTimeOffset IssuedAt, string Signature, string PublicKeyPem);

    internal sealed record LedgerEntryResponse(
        long Sequence, DateTimeOffset RecordedAt, Guid? ActorId, string Action, string Target, string? Reason, string? Commitment, string LeafHash,
        string? PreviousValue = null, string? NewValue = null)
    {
        public static LedgerEntryResponse Of(LedgerEntry e) =>
            new(e.Sequence, e.RecordedAt, e.ActorId, e.Action, e.Target, e.Reason, e.Commitment, e.LeafHash);
    }

    internal sealed record InclusionProofResponse(LedgerEntryResponse Entry, long TreeSize, string RootHash, IReadOnlyList<string> Proof);

    internal sealed record ConsistencyProofResponse(long First, long Second, string FirstRoot, string SecondRoot, IReadOnlyList<string> Proof);
}
