using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Server.Keys;
using Vigil.Server.Ledger;
using Vigil.Server.Problems;

namespace Vigil.Server.Patients;

/// <summary>Reading patient profiles: decrypted for the care team and the patient, and every read ledgered (HIPAA §164.312(b)).</summary>
public sealed class PatientRecords(VigilDbContext db, DataKeyStore dataKeys, LedgerRecorder ledger)
{
    public async Task<PatientProfile> LoadAsync(Guid patientId, CancellationToken cancellationToken) =>
        await db.PatientProfiles.SingleOrDefaultAsync(p => p.Id == patientId, cancellationToken).ConfigureAwait(false)
        ?? throw ProblemException.NotFound("The patient");

    public async Task<PatientDto> GetAsync(Guid patientId, Guid readerId, CancellationToken cancellationToken)
    {
        var profile = await LoadAsync(patientId, cancellationToken).ConfigureAwait(false);
        await ledger.RecordAsync(cancellationToken, new LedgerEvent(readerId, LedgerActions.PatientDataRead, $"patient/{patientId:D}", "profile"))
            .ConfigureAwait(false);
        return await ToDtoAsync(profile, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<PatientDto>> ListAsync(Guid readerId, CancellationToken cancellationToken)
    {
        var profiles = await db.PatientProfiles.AsNoTracking().OrderBy(p => p.CreatedAt).Take(1000).ToListAsync(cancellationToken).ConfigureAwait(false);
        await ledger.RecordAsync(cancellationToken, new LedgerEvent(readerId, LedgerActions.PatientDataRead, "patients", $"list of {profiles.Count}"))
            .ConfigureAwait(false);
        var result = new List<PatientDto>(profiles.Count);
        foreach (var profile in profiles)
        {
            result.Add(await ToDtoAsync(profile, cancellationToken).ConfigureAwait(false));
        }

        return result;
    }

    public async Task<PatientDemographics?> DemographicsAsync(PatientProfile profile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var key = await dataKeys.GetAsync(db, profile.Id, cancellationToken).ConfigureAwait(false);
        return key is null || profile.Demographics.Length == 0
            ? null
            : JsonSerializer.Deserialize<PatientDemographics>(ContentCipher.Decrypt(key, profile.Id, profile.Demographics));
    }

    public async Task<string?> TitleAsync(Guid patientId, Guid planId, string sealedTitle, CancellationToken cancellationToken)
    {
        var key = await dataKeys.GetAsync(db, patientId, cancellationToken).ConfigureAwait(false);
        return key is null ? null : ContentCipher.Decrypt(key, planId, sealedTitle);
    }

    private async Task<PatientDto> ToDtoAsync(PatientProfile profile, CancellationToken cancellationToken)
    {
        var demographics = await DemographicsAsync(profile, cancellationToken).ConfigureAwait(false);
        return new PatientDto(
            profile.Id, profile.FhirId, demographics?.Name, demographics?.BirthDate, demographics?.Gender,
            [.. (demographics?.Identifiers ?? []).Select(i => new PatientIdentifierDto(i.System, i.Value))],
            [.. (demographics?.Telecom ?? []).Select(i => new PatientIdentifierDto(i.System, i.Value))],
            profile.Language, profile.TimeZone,
            profile.QuietHoursStart?.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
            profile.QuietHoursEnd?.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
            profile.HasAccount, profile.ConversationId, profile.MessagingConsent, profile.ReminderConsent, profile.Erased);
    }
}
