using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Vigil.Contracts;
using Vigil.Server.Keys;
using Vigil.Server.Messaging;
using Vigil.Server.Patients;
using Vigil.Server.Problems;

namespace Vigil.Server.Reminders;

/// <summary>
/// Sends one due reminder from the care bot, in the writer's transaction: the reminder's status changes in the same
/// commit as the message is stored, and the message's client id is the reminder's, so a reminder is sent exactly once
/// even when two nodes or a crash and restart race for it. Consent and the plan are checked at that moment, so a
/// withdrawal that has committed stops every later reminder.
/// </summary>
internal sealed class DeliverReminderCommand(Guid reminderId, Guid botId, PatientsOptions options) : WriteCommand<string>
{
    protected override async Task<string> ExecuteAsync(WriteBatch batch, CancellationToken cancellationToken)
    {
        var db = batch.Db;
        var reminder = await db.Reminders.SingleOrDefaultAsync(r => r.Id == reminderId, cancellationToken).ConfigureAwait(false);
        if (reminder is null || reminder.Status != ReminderStatuses.Scheduled)
        {
            return "already handled";
        }

        var now = batch.Now;
        reminder.ClaimedBy = null;
        reminder.ClaimedUntil = null;
        var plan = await db.ReminderPlans.SingleAsync(p => p.Id == reminder.PlanId, cancellationToken).ConfigureAwait(false);
        var patient = await db.PatientProfiles.SingleAsync(p => p.Id == reminder.PatientId, cancellationToken).ConfigureAwait(false);
        var isDose = plan.Kind == ReminderPlanKinds.Medication;
        string? refusal = null;
        if (plan.Status != ReminderPlanStatuses.Active)
        {
            refusal = "the plan has ended";
        }
        else if (patient.Erased)
        {
            refusal = "the patient was erased";
        }
        else if (!patient.MessagingConsent || !patient.ReminderConsent)
        {
            refusal = "no consent to reminders";
        }
        else if (patient.ConversationId is null)
        {
            refusal = "the patient has no account yet";
        }

        if (refusal is not null)
        {
            return NotSent(reminder, refusal, missed: false);
        }

        if (now - reminder.DueAt > options.MissedAfter)
        {
            // Too late to be useful (the server was down): not sent, and for a dose it counts as missed.
            return NotSent(reminder, "not sent in time (server unavailable)", missed: isDose);
        }

        var key = await batch.DataKeyAsync(patient.Id, cancellationToken).ConfigureAwait(false);
        var title = key is null ? "your reminder" : ContentCipher.Decrypt(key, plan.Id, plan.Title);
        var late = now - reminder.DeliverAt > options.LateAfter;
        var dueClock = reminder.LocalTime.Length >= 16 ? reminder.LocalTime[11..16] : reminder.LocalTime;
        var body = isDose
            ? $"💊 Time for your medication: **{title}** (due {dueClock})."
            : $"📅 Reminder: **{title}** on {AppointmentTime(plan, patient)}.";
        if (late)
        {
            body += $" _Sent late: this reminder was due at {dueClock}._";
        }

        if (reminder.Snoozes > 0)
        {
            body += " _(Snoozed reminder.)_";
        }

        var send = new SendMessageCommand(patient.ConversationId!.Value, botId,
            new SendMessageRequest(ClientMessageId: string.Create(CultureInfo.InvariantCulture, $"reminder:{reminder.Id:N}:{reminder.Snoozes}"), Body: body))
        { Automated = true };
        try
        {
            var outcome = await send.StageAsync(batch, isDose ? reminder.Id : null, cancellationToken).ConfigureAwait(false);
            reminder.MessageId = outcome.Message.Id;
        }
        catch (ProblemException problem)
        {
            return NotSent(reminder, problem.Title ?? "refused", missed: false);
        }

        reminder.Status = ReminderStatuses.Sent;
        reminder.SentAt = now;
        reminder.Late = late;
        return late ? "sent late" : "sent";
    }

    private static string NotSent(Reminder reminder, string reason, bool missed)
    {
        reminder.Status = ReminderStatuses.NotSent;
        reminder.OutcomeReason = reason;
        if (missed)
        {
            reminder.Outcome = DoseOutcomes.Missed;
        }

        return "not sent: " + reason;
    }

    private static string AppointmentTime(ReminderPlan plan, PatientProfile patient)
    {
        var zone = ReminderCalendar.ZoneOf(patient);
        var local = NodaTime.Instant.FromDateTimeOffset(plan.AppointmentStart!.Value).InZone(zone);
        return local.ToString("dddd d MMMM yyyy 'at' HH:mm", CultureInfo.InvariantCulture);
    }
}
