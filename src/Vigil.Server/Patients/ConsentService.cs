using Microsoft.EntityFrameworkCore;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Server.Ledger;
using Vigil.Server.Problems;
using Vigil.Server.Validation;

namespace Vigil.Server.Patients;

/// <summary>
/// Consent to messaging and to reminders, given separately. Nothing is sent to a patient without it, and a withdrawal
/// takes effect with its commit: the reminder writer checks consent in the transaction that would send. Each decision
/// is kept (who, when, on what basis) and ledgered.
/// </summary>
public sealed class ConsentService(VigilDbContext db, LedgerAppender ledger, IIdGenerator ids, TimeProvider time)
{
    public async Task<ConsentDto> GetAsync(Guid patientId, CancellationToken cancellationToken)
    {
        var profile = await db.PatientProfiles.AsNoTracking().SingleOrDefaultAsync(p => p.Id == patientId, cancellationToken).ConfigureAwait(false)
            ?? throw ProblemException.NotFound("The patient");
        var history = await db.ConsentRecords.AsNoTracking().Where(c => c.PatientId == patientId).OrderBy(c => c.At)
            .Select(c => new ConsentRecordDto(c.Kind, c.Granted, c.At, c.ActorId, c.Basis)).ToListAsync(cancellationToken).ConfigureAwait(false);
        return new ConsentDto(profile.MessagingConsent, profile.ReminderConsent, history);
    }

    public async Task<ConsentDto> SetAsync(Guid patientId, Guid actorId, bool actorIsPatient, ConsentRequest? request, CancellationToken cancellationToken)
    {
        if (request is null || (request.Messaging is null && request.Reminders is null))
        {
            throw ProblemException.Validation("Give messaging and/or reminders (true or false).");
        }

        var basisProblem = TextInput.Problem(request.Basis, "basis", 200, required: !actorIsPatient);
        if (basisProblem is not null)
        {
            // Consent recorded by staff on the patient's behalf must say how it was obtained.
            throw ProblemException.Validation(basisProblem);
        }

        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var profile = await db.PatientProfiles.SingleOrDefaultAsync(p => p.Id == patientId, cancellationToken).ConfigureAwait(false)
            ?? throw ProblemException.NotFound("The patient");
        if (profile.Erased)
        {
            throw ProblemException.Conflict("The patient was erased.");
        }

        var basis = request.Basis?.Trim() ?? "in app, by the patient";
        var events = new List<LedgerEvent>();
        void Record(string kind, bool granted)
        {
            db.ConsentRecords.Add(new ConsentRecord { Id = ids.NewId(), PatientId = patientId, Kind = kind, Granted = granted, At = now, ActorId = actorId, Basis = basis });
            events.Add(new LedgerEvent(actorId, LedgerActions.ConsentChanged, $"patient/{patientId:D}", $"{kind}={(granted ? "granted" : "withdrawn")}; basis: {basis}"));
        }

        if (request.Messaging is { } messaging && messaging != profile.MessagingConsent)
        {
            profile.MessagingConsent = messaging;
            Record(ConsentKinds.Messaging, messaging);
        }

        if (request.Reminders is { } reminders && reminders != profile.ReminderConsent)
        {
            profile.ReminderConsent = reminders;
            Record(ConsentKinds.Reminders, reminders);
        }

        profile.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await ledger.AppendAsync(db, events, now, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return await GetAsync(patientId, cancellationToken).ConfigureAwait(false);
    }
}
