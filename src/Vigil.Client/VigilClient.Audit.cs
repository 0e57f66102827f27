using System.Globalization;
using Vigil.Contracts;

namespace Vigil.Client;

/// <summary>The audit trail (Auditor policy: ComplianceOfficers and Administrators).</summary>
public sealed partial class VigilClient
{
    public Task<IReadOnlyList<AuditEntryDto>> GetAuditTrailAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return SendAsync<IReadOnlyList<AuditEntryDto>>(HttpMethod.Get, "api/v1/ledger/entries" + QueryString(query, format: null),
            null, authenticate: true, cancellationToken);
    }

    /// <summary>The filtered trail as CSV or JSON with inclusion proofs; the export itself is ledgered.</summary>
    public async Task<string> ExportAuditTrailAsync(AuditQuery query, string format, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/ledger/export" + QueryString(query, format));
        return await SendRequestAsync<string>(request, authenticate: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The newest signed checkpoint (404 until the first one is signed).</summary>
    public Task<LedgerCheckpointDto> GetLedgerCheckpointAsync(CancellationToken cancellationToken = default) =>
        SendAsync<LedgerCheckpointDto>(HttpMethod.Get, "api/v1/ledger/checkpoint", null, authenticate: true, cancellationToken);

    private static string QueryString(AuditQuery query, string? format)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add(name + "=" + Uri.EscapeDataString(value));
            }
        }

        Add("actor", query.ActorId?.ToString());
        Add("action", query.Action);
        Add("target", query.TargetPrefix);
        Add("from", query.From?.ToString("O", CultureInfo.InvariantCulture));
        Add("to", query.To?.ToString("O", CultureInfo.InvariantCulture));
        Add("after", query.After?.ToString(CultureInfo.InvariantCulture));
        Add("limit", query.Limit.ToString(CultureInfo.InvariantCulture));
        Add("values", query.WithValues ? "true" : null);
        Add("format", format);
        return "?" + string.Join('&', parts);
    }
}
