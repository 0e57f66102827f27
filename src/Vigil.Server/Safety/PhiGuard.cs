using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Contracts;
using Vigil.Safety.Lexicons;
using Vigil.Safety.Phi;
using Vigil.Server.Data;
using Vigil.Server.Keys;
using Vigil.Server.Patients;

namespace Vigil.Server.Safety;

/// <summary>
/// The server's PHI guard: the rule-based detector, taught the names and identifiers of the organisation's own
/// patients and their contacts (decrypted from their profiles, held in memory only, refreshed every few minutes), at the
/// configured sensitivity; the organisation's product names are never taken for a person.
/// </summary>
public sealed class PhiGuard(IServiceScopeFactory scopes, DataKeyStore dataKeys, TimeProvider time, IOptions<SafetyOptions> options, SafetyDetector safety)
{
    private static readonly TimeSpan RefreshAfter = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (PhiDetector Detector, DateTimeOffset BuiltAt)? _current;

    public async Task<IReadOnlyList<PhiSpanDto>> ScanAsync(string text, CancellationToken cancellationToken)
    {
        var detector = await DetectorAsync(cancellationToken).ConfigureAwait(false);
        return [.. detector.Scan(text).Select(s => new PhiSpanDto(s.Start, s.End, s.Type, s.Text))];
    }

    private async Task<PhiDetector> DetectorAsync(CancellationToken cancellationToken)
    {
        if (_current is { } current && time.GetUtcNow() - current.BuiltAt < RefreshAfter)
        {
            return current.Detector;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_current is { } raced && time.GetUtcNow() - raced.BuiltAt < RefreshAfter)
            {
                return raced.Detector;
            }

            var names = new List<string>();
            var identifiers = new List<string>();
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
            await foreach (var profile in db.PatientProfiles.AsNoTracking().Where(p => !p.Erased).AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                var key = await dataKeys.GetAsync(db, profile.Id, cancellationToken).ConfigureAwait(false);
                if (key is null || profile.Demographics.Length == 0)
                {
                    continue;
                }

                var demographics = JsonSerializer.Deserialize<PatientDemographics>(ContentCipher.Decrypt(key, profile.Id, profile.Demographics));
                if (demographics is not null)
                {
                    names.Add(demographics.Name);
                    names.AddRange(demographics.Relatives ?? []);
                    identifiers.AddRange(demographics.Identifiers.Select(i => i.Value));
                }
            }

            var sensitivity = options.Value.PhiSensitivity;
            var detector = new PhiDetector(names, identifiers, sensitivity, sensitivity == PhiSensitivity.Thorough ? safety.Drugs : null);
            _current = (detector, time.GetUtcNow());
            return detector;
        }
        finally
        {
            _gate.Release();
        }
    }
}
