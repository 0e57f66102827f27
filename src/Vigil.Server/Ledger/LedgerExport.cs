using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Vigil.Server.Data;
using Vigil.Server.Identity;
using Vigil.Server.Problems;

namespace Vigil.Server.Ledger;

/// <summary>
/// Exports the audit trail for an inspector: each entry with its leaf hash and its inclusion proof against the newest
/// signed checkpoint, plus that checkpoint and the public key, so the export can be checked without Vigil. Entries
/// newer than the checkpoint are exported without a proof. The export is recorded in the ledger.
/// </summary>
internal static class LedgerExport
{
    public const int MaxRows = 10_000;

    public static async Task<IResult> ExportAsync(
        string? format, Guid? actor, string? action, string? target, DateTimeOffset? from, DateTimeOffset? to, long? after,
        HttpContext context, VigilDbContext db, LedgerTree tree, LedgerSigningKey key, LedgerRecorder recorder, CancellationToken cancellationToken)
    {
        var kind = (format ?? "json").ToLowerInvariant();
        if (kind is not ("json" or "csv"))
        {
            throw ProblemException.Validation("format must be json or csv.");
        }

        var checkpoint = await db.LedgerCheckpoints.AsNoTracking().OrderByDescending(c => c.TreeSize)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false) ?? throw ProblemException.NotFound("A signed checkpoint");
        var rows = await LedgerEndpoints.Filter(db.LedgerEntries.AsNoTracking(), actor, action, target, from, to)
            .Where(e => e.Sequence > (after ?? -1)).OrderBy(e => e.Sequence).Take(MaxRows)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var proofs = await tree.ReadAsync(db, rows.Select(r => r.Sequence).Append(checkpoint.TreeSize - 1), t => rows.ToDictionary(
            r => r.Sequence,
            r => r.Sequence < checkpoint.TreeSize ? t.InclusionProof(r.Sequence, checkpoint.TreeSize).Select(Convert.ToBase64String).ToList() : null),
            cancellationToken).ConfigureAwait(false);

        await recorder.RecordAsync(cancellationToken, new LedgerEvent(context.User.UserId(), LedgerActions.LedgerExported, "ledger",
            string.Create(CultureInfo.InvariantCulture, $"format={kind};rows={rows.Count};action={action};actor={actor};target={target}"))).ConfigureAwait(false);

        var fileName = $"vigil-audit-{checkpoint.TreeSize}.{kind}";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        if (kind == "json")
        {
            return TypedResults.Json(new
            {
                checkpoint = new { checkpoint.TreeSize, checkpoint.RootHash, checkpoint.IssuedAt, checkpoint.Signature, publicKeyPem = key.PublicKeyPem },
                entries = rows.Select(r => new
                {
                    r.Sequence,
                    r.RecordedAt,
                    r.ActorId,
                    r.Action,
                    r.Target,
                    r.Reason,
                    r.Commitment,
                    r.LeafHash,
                    proof = proofs[r.Sequence],
                }),
                truncated = rows.Count == MaxRows,
            });
        }

        var csv = new StringBuilder();
        csv.AppendLine(CultureInfo.InvariantCulture, $"# checkpoint treeSize={checkpoint.TreeSize} root={checkpoint.RootHash} issuedAt={checkpoint.IssuedAt:O} signature={checkpoint.Signature}");
        csv.AppendLine("sequence,recordedAt,actorId,action,target,reason,commitment,leafHash,proof");
        foreach (var r in rows)
        {
            csv.AppendJoin(',', [
                r.Sequence.ToString(CultureInfo.InvariantCulture), r.RecordedAt.ToString("O", CultureInfo.InvariantCulture),
                r.ActorId?.ToString("D") ?? "", Cell(r.Action), Cell(r.Target), Cell(r.Reason), r.Commitment ?? "", r.LeafHash,
                string.Join(' ', proofs[r.Sequence] ?? [])]).AppendLine();
        }

        return TypedResults.Text(csv.ToString(), "text/csv; charset=utf-8");
    }

    /// <summary>RFC 4180 quoting; a leading = + - @ gets a quote mark so a spreadsheet shows it as text, not a formula.</summary>
    private static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var text = value[0] is '=' or '+' or '-' or '@' ? "'" + value : value;
        return text.IndexOfAny([',', '"', '\n', '\r']) >= 0 || text != value ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}
