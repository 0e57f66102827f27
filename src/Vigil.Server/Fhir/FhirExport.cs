using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Vigil.Server.Conversations;
using Vigil.Server.Data;
using Vigil.Server.Keys;
using Vigil.Server.Ledger;
using Vigil.Server.Patients;
using Vigil.Server.Problems;
using Vigil.Server.Reminders;
using Task = System.Threading.Tasks.Task;

namespace Vigil.Server.Fhir;

/// <summary>
/// The patient conversation and its reminders as FHIR R4 for the EHR: messages as Communication (sender, recipients,
/// sent time, payload, inResponseTo for replies, basedOn the CommunicationRequest of a reminder), reminders as
/// CommunicationRequest, consent as Consent. Every export is a ledgered read of patient data.
/// </summary>
public sealed class FhirExport(VigilDbContext db, DataKeyStore dataKeys, LedgerRecorder ledger, TimeProvider time)
{
    public const int MaxCount = 1000;
    private const string UserSystem = "urn:vigil:user";

    public async Task<Bundle> CommunicationsAsync(string subject, Guid readerId, int count, CancellationToken cancellationToken)
    {
        var profile = await PatientAsync(subject, cancellationToken).ConfigureAwait(false);
        var bundle = NewBundle();
        if (profile.ConversationId is not { } conversationId)
        {
            return bundle;
        }

        var conversation = await db.Conversations.AsNoTracking().Include(c => c.Members).SingleAsync(c => c.Id == conversationId, cancellationToken).ConfigureAwait(false);
        var key = await dataKeys.GetAsync(db, DataKeyStore.SubjectOf(conversation), cancellationToken).ConfigureAwait(false);
        var messages = await db.Messages.AsNoTracking().Where(m => m.ConversationId == conversationId)
            .OrderBy(m => m.Sequence).Take(Math.Clamp(count, 1, MaxCount)).ToListAsync(cancellationToken).ConfigureAwait(false);
        var people = await PeopleAsync(conversation, cancellationToken).ConfigureAwait(false);
        var patientReference = PatientReference(profile);
        foreach (var message in messages)
        {
            var communication = new Communication
            {
                Id = message.Id.ToString("D"),
                Status = message.DeletedAt is null ? EventStatus.Completed : EventStatus.EnteredInError,
                Subject = patientReference,
                Sent = message.SentAt.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
                Sender = message.SenderId == profile.Id ? PatientReference(profile) : people.GetValueOrDefault(message.SenderId) ?? UserReference(message.SenderId, null),
                Recipient = [.. conversation.Members.Where(m => m.UserId != message.SenderId)
                    .Select(m => m.UserId == profile.Id ? PatientReference(profile) : people.GetValueOrDefault(m.UserId) ?? UserReference(m.UserId, null))],
                Identifier = [new Identifier("urn:vigil:message", message.Id.ToString("D"))],
            };
            if (message.DeletedAt is null && key is not null)
            {
                communication.Payload.Add(new Communication.PayloadComponent { Content = new FhirString(ContentCipher.Decrypt(key, message.Id, message.Body)) });
            }

            if (message.ReplyToId is { } replyTo)
            {
                communication.InResponseTo.Add(new ResourceReference($"Communication/{replyTo:D}"));
            }

            if (message.ReminderId is { } reminderId)
            {
                communication.BasedOn.Add(new ResourceReference($"CommunicationRequest/{reminderId:D}"));
            }

            Add(bundle, communication);
        }

        bundle.Total = bundle.Entry.Count;
        await AuditAsync(readerId, profile.Id, "FHIR Communication export", cancellationToken).ConfigureAwait(false);
        return bundle;
    }

    public async Task<Bundle> CommunicationRequestsAsync(string subject, Guid readerId, int count, CancellationToken cancellationToken)
    {
        var profile = await PatientAsync(subject, cancellationToken).ConfigureAwait(false);
        var reminders = await (from r in db.Reminders.AsNoTracking()
                               join p in db.ReminderPlans.AsNoTracking() on r.PlanId equals p.Id
                               where r.PatientId == profile.Id
                               orderby r.DueAt
                               select new { Reminder = r, Plan = p }).Take(Math.Clamp(count, 1, MaxCount)).ToListAsync(cancellationToken).ConfigureAwait(false);
        var key = await dataKeys.GetAsync(db, profile.Id, cancellationToken).ConfigureAwait(false);
        var bundle = NewBundle();
        foreach (var item in reminders)
        {
            var request = new CommunicationRequest
            {
                Id = item.Reminder.Id.ToString("D"),
                Status = item.Reminder.Status switch
                {
                    ReminderStatuses.Sent => RequestStatus.Completed,
                    ReminderStatuses.NotSent => RequestStatus.Revoked,
                    _ => RequestStatus.Active,
                },
                Subject = PatientReference(profile),
                Recipient = [PatientReference(profile)],
                Occurrence = new FhirDateTime(item.Reminder.DueAt),
                AuthoredOn = item.Plan.CreatedAt.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
                Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/communication-category", "reminder", "Reminder")],
                Identifier = [new Identifier("urn:vigil:reminder", item.Reminder.Id.ToString("D"))],
            };
            if (item.Plan.Source.Split('#')[0] is var source && source.Contains('/', StringComparison.Ordinal))
            {
                request.About.Add(new ResourceReference(source));
            }

            if (key is not null)
            {
                request.Payload.Add(new CommunicationRequest.PayloadComponent { Content = new FhirString(ContentCipher.Decrypt(key, item.Plan.Id, item.Plan.Title)) });
            }

            Add(bundle, request);
        }

        bundle.Total = bundle.Entry.Count;
        await AuditAsync(readerId, profile.Id, "FHIR CommunicationRequest export", cancellationToken).ConfigureAwait(false);
        return bundle;
    }

    public async Task<Bundle> ConsentsAsync(string subject, Guid readerId, CancellationToken cancellationToken)
    {
        var profile = await PatientAsync(subject, cancellationToken).ConfigureAwait(false);
        var records = await db.ConsentRecords.AsNoTracking().Where(c => c.PatientId == profile.Id).OrderBy(c => c.At)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var bundle = NewBundle();
        // One Consent per kind, its latest decision; earlier decisions are the record's history in Vigil's ledger.
        foreach (var latest in records.GroupBy(r => r.Kind).Select(g => g.Last()))
        {
            Add(bundle, new Consent
            {
                Id = latest.Id.ToString("D"),
                Status = latest.Granted ? Consent.ConsentState.Active : Consent.ConsentState.Inactive,
                Scope = new CodeableConcept("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy", "Privacy Consent"),
                Category = [new CodeableConcept("http://loinc.org", "59284-0", "Patient Consent")],
                Patient = PatientReference(profile),
                DateTime = latest.At.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
                PolicyRule = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ActCode", latest.Granted ? "OPTIN" : "OPTOUT"),
                Provision = new Consent.provisionComponent
                {
                    Type = latest.Granted ? Consent.ConsentProvisionType.Permit : Consent.ConsentProvisionType.Deny,
                    Action = [new CodeableConcept("urn:vigil:consent", latest.Kind, latest.Kind == ConsentKinds.Messaging ? "Secure messaging" : "Medication and appointment reminders")],
                },
            });
        }

        bundle.Total = bundle.Entry.Count;
        await AuditAsync(readerId, profile.Id, "FHIR Consent export", cancellationToken).ConfigureAwait(false);
        return bundle;
    }

    public CapabilityStatement Capabilities()
    {
        var rest = new CapabilityStatement.RestComponent { Mode = CapabilityStatement.RestfulCapabilityMode.Server };
        foreach (var (type, parameter) in new[] { ("Communication", "subject"), ("CommunicationRequest", "subject"), ("Consent", "patient") })
        {
            rest.Resource.Add(new CapabilityStatement.ResourceComponent
            {
                Type = type,
                Interaction = [new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.SearchType }],
                SearchParam = [new CapabilityStatement.SearchParamComponent { Name = parameter, Type = SearchParamType.Reference }],
            });
        }

        return new CapabilityStatement
        {
            Status = PublicationStatus.Active,
            Date = time.GetUtcNow().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            Kind = CapabilityStatementKind.Instance,
            Software = new CapabilityStatement.SoftwareComponent { Name = "Vigil" },
            FhirVersion = FHIRVersion.N4_0_1,
            Format = ["json"],
            Rest = [rest],
        };
    }

    private async Task<PatientProfile> PatientAsync(string subject, CancellationToken cancellationToken)
    {
        var id = FhirImporter.ReferencedId(subject, "Patient") ?? subject;
        var profile = Guid.TryParse(id, out var guid)
            ? await db.PatientProfiles.AsNoTracking().SingleOrDefaultAsync(p => p.Id == guid || p.FhirId == id, cancellationToken).ConfigureAwait(false)
            : await db.PatientProfiles.AsNoTracking().SingleOrDefaultAsync(p => p.FhirId == id, cancellationToken).ConfigureAwait(false);
        return profile ?? throw ProblemException.NotFound("The patient");
    }

    private async Task<Dictionary<Guid, ResourceReference>> PeopleAsync(Conversation conversation, CancellationToken cancellationToken)
    {
        var ids = conversation.Members.Select(m => m.UserId).ToList();
        var users = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).Select(u => new { u.Id, u.DisplayName })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return users.ToDictionary(u => u.Id, u => UserReference(u.Id, u.DisplayName));
    }

    private static ResourceReference UserReference(Guid userId, string? display) =>
        new() { Identifier = new Identifier(UserSystem, userId.ToString("D")), Display = display };

    private static ResourceReference PatientReference(PatientProfile profile) =>
        new($"Patient/{profile.FhirId ?? profile.Id.ToString("D")}");

    private static Bundle NewBundle() => new() { Type = Bundle.BundleType.Searchset, Id = Guid.NewGuid().ToString("D") };

    private static void Add(Bundle bundle, Resource resource) =>
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = $"urn:uuid:{resource.Id}",
            Resource = resource,
            Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
        });

    private Task AuditAsync(Guid readerId, Guid patientId, string what, CancellationToken cancellationToken) =>
        ledger.RecordAsync(cancellationToken, new LedgerEvent(readerId, LedgerActions.PatientDataRead, $"patient/{patientId:D}", what));
}
