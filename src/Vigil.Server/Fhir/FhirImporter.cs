using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Contracts;
using Vigil.Fhir.Resources;
using Vigil.Fhir.Timing;
using Vigil.Server.Data;
using Vigil.Server.Keys;
using Vigil.Server.Ledger;
using Vigil.Server.Patients;
using Vigil.Server.Reminders;
using Task = System.Threading.Tasks.Task;

namespace Vigil.Server.Fhir;

/// <summary>
/// Imports FHIR R4 resources: Patient → patient profile, Practitioner/PractitionerRole → clinician, MedicationRequest →
/// one medication reminder plan per dosage instruction, Appointment → appointment reminders. Idempotent by resource
/// id and version (meta.versionId, or a hash of the content): importing the same data again changes nothing. A stopped,
/// cancelled, completed or on-hold request ends its plan. Every problem is reported with where it was found; a bad
/// resource skips only itself. The whole import is one transaction and one ledger entry.
/// </summary>
public sealed partial class FhirImporter(
    VigilDbContext db,
    DataKeyStore dataKeys,
    LedgerAppender ledger,
    IIdGenerator ids,
    TimeProvider time,
    TimingExpander expander,
    IOptions<PatientsOptions> options,
    ILogger<FhirImporter> logger)
{
    private static readonly string[] Order = ["Patient", "Practitioner", "PractitionerRole", "MedicationRequest", "Appointment"];

    public async Task<FhirImportReportDto> ImportAsync(IEnumerable<FhirReadResult> input, Guid? actorId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var run = new Run(time.GetUtcNow());
        var results = new List<FhirReadResult>();
        foreach (var result in input)
        {
            run.Read++;
            if (result.Resource is null)
            {
                run.Fail(result, result.Error ?? "Unreadable.");
            }
            else if (Array.IndexOf(Order, result.Resource.TypeName) < 0)
            {
                run.Ignored++;
            }
            else
            {
                results.Add(result);
            }
        }

        // References point at patients and practitioners: import those first, whatever order the files came in.
        results.Sort((a, b) => Array.IndexOf(Order, a.Resource!.TypeName).CompareTo(Array.IndexOf(Order, b.Resource!.TypeName)));
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var result in results)
        {
            try
            {
                var outcome = result.Resource switch
                {
                    Patient patient => await ImportPatientAsync(run, patient, cancellationToken).ConfigureAwait(false),
                    Practitioner practitioner => await ImportPractitionerAsync(run, practitioner, cancellationToken).ConfigureAwait(false),
                    PractitionerRole role => await ImportPractitionerRoleAsync(role, cancellationToken).ConfigureAwait(false),
                    MedicationRequest request => await ImportMedicationRequestAsync(run, result, request, cancellationToken).ConfigureAwait(false),
                    Appointment appointment => await ImportAppointmentAsync(run, appointment, cancellationToken).ConfigureAwait(false),
                    _ => Outcome.Unchanged,
                };
                run.Count(outcome);
            }
            catch (ImportRefusal refusal)
            {
                run.Fail(result, refusal.Message);
            }
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        if (run.Changed > 0 || run.Events.Count > 0)
        {
            run.Events.Add(new LedgerEvent(actorId, LedgerActions.FhirImported, $"fhir-import/{ids.NewId():D}",
                $"{run.Created} created, {run.Updated} updated, {run.Unchanged} unchanged, {run.Failed} failed of {run.Read} read"));
            await ledger.AppendAsync(db, run.Events, run.Now, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        LogImported(run.Read, run.Created, run.Updated, run.Unchanged, run.Failed);
        return run.Report();
    }

    private async Task<Outcome> ImportPatientAsync(Run run, Patient patient, CancellationToken cancellationToken)
    {
        var fhirId = RequireId(patient);
        var version = VersionOf(patient);
        var profile = await db.PatientProfiles.SingleOrDefaultAsync(p => p.FhirId == fhirId, cancellationToken).ConfigureAwait(false);
        if (profile is { Erased: true })
        {
            throw new ImportRefusal($"Patient/{fhirId} was erased; it is not imported again.");
        }

        if (profile?.FhirVersion == version)
        {
            run.Patients++;
            return Outcome.Unchanged;
        }

        var created = profile is null;
        profile ??= new PatientProfile { Id = ids.NewId(), FhirId = fhirId, Demographics = "", TimeZone = "", CreatedAt = run.Now };
        var key = await KeyAsync(run, profile.Id, cancellationToken).ConfigureAwait(false);
        var demographics = new PatientDemographics(
            NameOf(patient),
            patient.BirthDate,
            patient.Gender?.ToString().ToLowerInvariant(),
            [.. patient.Identifier.Where(i => !string.IsNullOrEmpty(i.Value)).Select(i => new PatientIdentifier(i.System, i.Value!))],
            [.. patient.Telecom.Where(t => !string.IsNullOrEmpty(t.Value)).Select(t => new PatientIdentifier(t.System?.ToString().ToLowerInvariant(), t.Value!))],
            [.. patient.Contact.Select(c => c.Name).OfType<HumanName>().Select(n => Truncate(Format(n), 200))]);
        profile.Demographics = ContentCipher.Encrypt(key, profile.Id, JsonSerializer.Serialize(demographics));
        profile.FhirVersion = version;
        profile.Language = patient.Communication.FirstOrDefault(c => c.Preferred == true)?.Language?.Coding.FirstOrDefault()?.Code
            ?? patient.Communication.FirstOrDefault()?.Language?.Coding.FirstOrDefault()?.Code;
        profile.TimeZone = PatientTimeZones.Of(patient, options.Value.DefaultTimeZone);
        profile.UpdatedAt = run.Now;
        if (created)
        {
            db.PatientProfiles.Add(profile);
        }

        run.PatientIds[fhirId] = profile.Id;
        run.Patients++;
        return created ? Outcome.Created : Outcome.Updated;
    }

    private async Task<Outcome> ImportPractitionerAsync(Run run, Practitioner practitioner, CancellationToken cancellationToken)
    {
        var fhirId = RequireId(practitioner);
        var version = VersionOf(practitioner);
        var clinician = await db.Clinicians.SingleOrDefaultAsync(c => c.FhirId == fhirId, cancellationToken).ConfigureAwait(false);
        if (clinician?.FhirVersion == version)
        {
            return Outcome.Unchanged;
        }

        var created = clinician is null;
        clinician ??= new Clinician { Id = ids.NewId(), FhirId = fhirId, Name = "" };
        clinician.Name = Truncate(practitioner.Name.Count > 0 ? Format(practitioner.Name[0]) : $"Practitioner {fhirId}", 200);
        clinician.Npi = practitioner.Identifier.FirstOrDefault(i => i.System == "http://hl7.org/fhir/sid/us-npi")?.Value;
        clinician.FhirVersion = version;
        clinician.UpdatedAt = run.Now;
        if (created)
        {
            db.Clinicians.Add(clinician);
        }

        return created ? Outcome.Created : Outcome.Updated;
    }

    private async Task<Outcome> ImportPractitionerRoleAsync(PractitionerRole role, CancellationToken cancellationToken)
    {
        // Synthea and many EHRs reference the practitioner by NPI rather than by id.
        var practitionerId = ReferencedId(role.Practitioner?.Reference, "Practitioner");
        var npi = role.Practitioner?.Identifier is { System: "http://hl7.org/fhir/sid/us-npi", Value: { } value } ? value : null;
        if (practitionerId is null && npi is null)
        {
            throw new ImportRefusal("PractitionerRole.practitioner references no Practitioner by id or NPI.");
        }

        var clinician = db.Clinicians.Local.FirstOrDefault(c => practitionerId is null ? c.Npi == npi : c.FhirId == practitionerId)
            ?? await db.Clinicians.FirstOrDefaultAsync(c => practitionerId == null ? c.Npi == npi : c.FhirId == practitionerId, cancellationToken).ConfigureAwait(false)
            ?? throw new ImportRefusal($"Practitioner {practitionerId ?? "NPI " + npi} is not known; import it first.");
        var specialty = role.Specialty.FirstOrDefault() is { } concept ? Truncate(concept.Text ?? concept.Coding.FirstOrDefault()?.Display ?? "", 200) : null;
        if (specialty is null || clinician.Specialty == specialty)
        {
            return Outcome.Unchanged;
        }

        clinician.Specialty = specialty;
        return Outcome.Updated;
    }

    private async Task<Outcome> ImportMedicationRequestAsync(Run run, FhirReadResult result, MedicationRequest request, CancellationToken cancellationToken)
    {
        var fhirId = RequireId(request);
        var version = VersionOf(request);
        var source = $"MedicationRequest/{fhirId}";
        var existing = await db.ReminderPlans.Where(p => p.Source.StartsWith(source + "#")).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (existing.Count > 0 && existing.All(p => p.SourceVersion == version))
        {
            run.Plans(existing);
            return Outcome.Unchanged;
        }

        var active = request.Status == MedicationRequest.MedicationrequestStatus.Active;
        if (!active)
        {
            // Stopped, cancelled, completed, on hold, entered in error: the plan ends and future reminders go.
            foreach (var plan in existing)
            {
                await EndPlanAsync(run, plan, $"MedicationRequest status {request.Status}", version, cancellationToken).ConfigureAwait(false);
            }

            return existing.Count > 0 ? Outcome.Updated : Outcome.Unchanged;
        }

        var patientId = await PatientOfAsync(run, request.Subject?.Reference, cancellationToken).ConfigureAwait(false);
        var key = await KeyAsync(run, patientId, cancellationToken).ConfigureAwait(false);
        var medication = MedicationName(request);
        var seriesStart = ParseInstant(request.AuthoredOn) ?? run.Now;
        var dosages = request.DosageInstruction.Count > 0 ? request.DosageInstruction : [new Dosage()];
        for (var i = 0; i < dosages.Count; i++)
        {
            var dosage = dosages[i];
            var planSource = $"{source}#{i + 1}";
            var plan = existing.SingleOrDefault(p => p.Source == planSource);
            var created = plan is null;
            plan ??= NewPlan(ReminderPlanKinds.Medication, patientId, planSource, run.Now);
            var (status, problem) = Classify(dosage);
            var timingJson = dosage.Timing is null ? null : FhirJson.Serialize(dosage.Timing);
            var replan = created || plan.TimingJson != timingJson || plan.Status != status || plan.SeriesStart != seriesStart;
            plan.Status = status;
            plan.Problem = problem;
            plan.TimingJson = timingJson;
            plan.SeriesStart = seriesStart;
            plan.SourceVersion = version;
            plan.UpdatedAt = run.Now;
            plan.Title = ContentCipher.Encrypt(key, plan.Id, Truncate(string.IsNullOrWhiteSpace(dosage.Text) ? medication : $"{medication}: {dosage.Text}", 500));
            if (problem is not null)
            {
                run.Warn(result, $"dosage {i + 1}: {problem}");
            }

            if (created)
            {
                db.ReminderPlans.Add(plan);
            }
            else if (replan)
            {
                await ClearFutureAsync(plan, run.Now, cancellationToken).ConfigureAwait(false);
            }

            run.Plans([plan]);
        }

        foreach (var removed in existing.Where(p => int.Parse(p.Source[(p.Source.IndexOf('#', StringComparison.Ordinal) + 1)..], System.Globalization.CultureInfo.InvariantCulture) > dosages.Count))
        {
            await EndPlanAsync(run, removed, "dosage instruction removed at the source", version, cancellationToken).ConfigureAwait(false);
        }

        return existing.Count == 0 ? Outcome.Created : Outcome.Updated;
    }

    private (string Status, string? Problem) Classify(Dosage dosage)
    {
        if (dosage.AsNeeded is FhirBoolean { Value: true } or CodeableConcept)
        {
            return (ReminderPlanStatuses.AsNeeded, null);
        }

        if (dosage.Timing is null)
        {
            return (ReminderPlanStatuses.Unsupported, "The dosage has no timing: there is no time to remind.");
        }

        try
        {
            expander.Validate(dosage.Timing);
            return (ReminderPlanStatuses.Active, null);
        }
        catch (TimingNotSupportedException exception)
        {
            return (ReminderPlanStatuses.Unsupported, exception.Message);
        }
    }

    private async Task<Outcome> ImportAppointmentAsync(Run run, Appointment appointment, CancellationToken cancellationToken)
    {
        var fhirId = RequireId(appointment);
        var version = VersionOf(appointment);
        var source = $"Appointment/{fhirId}";
        var plan = await db.ReminderPlans.SingleOrDefaultAsync(p => p.Source == source, cancellationToken).ConfigureAwait(false);
        if (plan?.SourceVersion == version)
        {
            run.Plans([plan]);
            return Outcome.Unchanged;
        }

        if (appointment.Status is not (Appointment.AppointmentStatus.Booked or Appointment.AppointmentStatus.Pending))
        {
            if (plan is not null)
            {
                await EndPlanAsync(run, plan, $"Appointment status {appointment.Status}", version, cancellationToken).ConfigureAwait(false);
                return Outcome.Updated;
            }

            return Outcome.Unchanged;
        }

        var patientReference = appointment.Participant.Select(p => p.Actor?.Reference).FirstOrDefault(r => ReferencedId(r, "Patient") is not null)
            ?? throw new ImportRefusal("The appointment has no Patient participant.");
        var patientId = await PatientOfAsync(run, patientReference, cancellationToken).ConfigureAwait(false);
        var start = appointment.StartElement?.Value
            ?? throw new ImportRefusal("The appointment has no start time.");
        var key = await KeyAsync(run, patientId, cancellationToken).ConfigureAwait(false);
        var created = plan is null;
        plan ??= NewPlan(ReminderPlanKinds.Appointment, patientId, source, run.Now);
        var what = appointment.Description ?? appointment.ServiceType.FirstOrDefault()?.Text
            ?? appointment.ServiceType.FirstOrDefault()?.Coding.FirstOrDefault()?.Display ?? "Appointment";
        var moved = plan.AppointmentStart != start || plan.Status != ReminderPlanStatuses.Active;
        plan.Title = ContentCipher.Encrypt(key, plan.Id, Truncate(what, 500));
        plan.Status = ReminderPlanStatuses.Active;
        plan.Problem = null;
        plan.AppointmentStart = start;
        plan.SeriesStart = start;
        plan.SourceVersion = version;
        plan.UpdatedAt = run.Now;
        if (created)
        {
            db.ReminderPlans.Add(plan);
        }
        else if (moved)
        {
            await ClearFutureAsync(plan, run.Now, cancellationToken).ConfigureAwait(false);
        }

        run.Plans([plan]);
        return created ? Outcome.Created : Outcome.Updated;
    }

    /// <summary>A new plan is scheduled from the moment it is imported: doses before then are not reminded.</summary>
    private ReminderPlan NewPlan(string kind, Guid patientId, string source, DateTimeOffset now) => new()
    {
        Id = ids.NewId(),
        PatientId = patientId,
        Kind = kind,
        Source = source,
        Status = ReminderPlanStatuses.Active,
        Title = "",
        CreatedAt = now,
        MaterializedUntil = now,
    };

    private async Task EndPlanAsync(Run run, ReminderPlan plan, string reason, string version, CancellationToken cancellationToken)
    {
        plan.Status = ReminderPlanStatuses.Ended;
        plan.Problem = reason;
        plan.SourceVersion = version;
        plan.UpdatedAt = run.Now;
        await ClearFutureAsync(plan, run.Now, cancellationToken).ConfigureAwait(false);
        run.Plans([plan]);
    }

    private Task ClearFutureAsync(ReminderPlan plan, DateTimeOffset now, CancellationToken cancellationToken) =>
        plan.MaterializedUntil == default ? Task.CompletedTask : Replanning.ReplanAsync(db, [plan.Id], now, cancellationToken);

    private async Task<Guid> PatientOfAsync(Run run, string? reference, CancellationToken cancellationToken)
    {
        var fhirId = ReferencedId(reference, "Patient") ?? throw new ImportRefusal($"'{reference}' does not reference a Patient by id.");
        if (run.PatientIds.TryGetValue(fhirId, out var id))
        {
            return id;
        }

        var profile = await db.PatientProfiles.AsNoTracking().Where(p => p.FhirId == fhirId).Select(p => new { p.Id, p.Erased })
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new ImportRefusal($"Patient/{fhirId} is not known; import the Patient resource first.");
        if (profile.Erased)
        {
            throw new ImportRefusal($"Patient/{fhirId} was erased.");
        }

        run.PatientIds[fhirId] = profile.Id;
        return profile.Id;
    }

    private async Task<byte[]> KeyAsync(Run run, Guid patientId, CancellationToken cancellationToken)
    {
        if (run.Keys.TryGetValue(patientId, out var cached))
        {
            return cached;
        }

        var (key, created) = await dataKeys.GetOrCreateAsync(db, patientId, run.Now, cancellationToken).ConfigureAwait(false);
        if (key is null)
        {
            throw new ImportRefusal("The patient's data was erased; nothing more can be stored for them.");
        }

        if (created)
        {
            run.Events.Add(new LedgerEvent(null, LedgerActions.KeyCreated, $"subject/{patientId:D}"));
        }

        run.Keys[patientId] = key;
        return key;
    }

    internal static string? ReferencedId(string? reference, string type)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return null;
        }

        var prefix = type + "/";
        var start = reference.LastIndexOf(prefix, StringComparison.Ordinal);
        if (start < 0 || reference.Contains('?', StringComparison.Ordinal))
        {
            return null;
        }

        var id = reference[(start + prefix.Length)..];
        var history = id.IndexOf("/_history", StringComparison.Ordinal);
        return history >= 0 ? id[..history] : id;
    }

    private static string RequireId(Resource resource) =>
        string.IsNullOrEmpty(resource.Id) ? throw new ImportRefusal($"The {resource.TypeName} has no id.") : resource.Id;

    private static string VersionOf(Resource resource) =>
        resource.Meta?.VersionId is { Length: > 0 and <= 64 } versionId
            ? versionId
            : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(FhirJson.Serialize(resource))))[..32];

    internal static string NameOf(Patient patient)
    {
        var name = patient.Name.FirstOrDefault(n => n.Use == HumanName.NameUse.Official) ?? patient.Name.FirstOrDefault();
        return name is null ? $"Patient {patient.Id}" : Truncate(Format(name), 200);
    }

    private static string Format(HumanName name) =>
        !string.IsNullOrWhiteSpace(name.Text) ? name.Text : string.Join(' ', name.Prefix.Concat(name.Given).Append(name.Family).Where(p => !string.IsNullOrWhiteSpace(p)));

    private static string MedicationName(MedicationRequest request) => request.Medication switch
    {
        CodeableConcept concept => concept.Text ?? concept.Coding.FirstOrDefault()?.Display ?? "your medication",
        ResourceReference reference => reference.Display ?? "your medication",
        _ => "your medication",
    };

    private static DateTimeOffset? ParseInstant(string? value) =>
        value is not null && DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null;

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];

    [LoggerMessage(Level = LogLevel.Information, Message = "FHIR import: {Read} read, {Created} created, {Updated} updated, {Unchanged} unchanged, {Failed} failed")]
    private partial void LogImported(int read, int created, int updated, int unchanged, int failed);

    private enum Outcome
    {
        Created,
        Updated,
        Unchanged,
    }

    private sealed class ImportRefusal(string message) : Exception(message);

    private sealed class Run(DateTimeOffset now)
    {
        private readonly List<FhirImportIssueDto> _issues = [];
        private readonly Dictionary<Guid, string> _planStatuses = [];

        public DateTimeOffset Now { get; } = now;

        public Dictionary<string, Guid> PatientIds { get; } = new(StringComparer.Ordinal);

        public Dictionary<Guid, byte[]> Keys { get; } = [];

        public List<LedgerEvent> Events { get; } = [];

        public int Read { get; set; }

        public int Created { get; private set; }

        public int Updated { get; private set; }

        public int Unchanged { get; private set; }

        public int Ignored { get; set; }

        public int Failed { get; private set; }

        public int Patients { get; set; }

        public int Changed => Created + Updated;

        public void Count(Outcome outcome)
        {
            switch (outcome)
            {
                case Outcome.Created: Created++; break;
                case Outcome.Updated: Updated++; break;
                default: Unchanged++; break;
            }
        }

        public void Fail(FhirReadResult result, string reason)
        {
            Failed++;
            _issues.Add(new FhirImportIssueDto(result.Source, result.Location, "error", reason));
        }

        public void Warn(FhirReadResult result, string message) =>
            _issues.Add(new FhirImportIssueDto(result.Source, result.Location, "warning", message));

        public void Plans(IEnumerable<ReminderPlan> plans)
        {
            foreach (var plan in plans)
            {
                _planStatuses[plan.Id] = plan.Status;
            }
        }

        public FhirImportReportDto Report() => new(
            Read, Created, Updated, Unchanged, Ignored, Failed, Patients,
            _planStatuses.Values.Count(s => s == ReminderPlanStatuses.Active),
            _planStatuses.Values.Count(s => s is ReminderPlanStatuses.Unsupported or ReminderPlanStatuses.AsNeeded),
            _issues);
    }
}
