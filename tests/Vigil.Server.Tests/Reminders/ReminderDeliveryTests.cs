using Microsoft.Extensions.DependencyInjection;
using Vigil.Client;
using Vigil.Contracts;
using Vigil.Server.Reminders;
using Vigil.Server.Tests.Patients;

namespace Vigil.Server.Tests.Reminders;

public sealed class ReminderDeliveryTests
{
    // Friday 27 March 2026, 11:00 in Berlin (CET). Berlin moves to CEST on Sunday 29 March.
    private static readonly DateTimeOffset Start = new(2026, 3, 27, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset SaturdayEight = new(2026, 3, 28, 7, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset SundayEight = new(2026, 3, 29, 6, 0, 0, TimeSpan.Zero);

    private static List<MessageDto> FromBot(IReadOnlyList<MessageDto> messages, PatientScenario scenario) =>
        [.. messages.Where(m => m.SenderId != scenario.PatientId && m.SenderId != scenario.ClinicianUser.Id)];

    [Fact]
    public async Task Reminder_is_sent_once_at_the_patients_local_time_with_quick_replies_across_daylight_saving()
    {
        await using var scenario = await PatientScenario.StartAsync(Start);

        Assert.Equal(0, (await scenario.AtAsync(SaturdayEight.AddMinutes(-1))).Sent);
        var pass = await scenario.AtAsync(SaturdayEight);
        Assert.Equal(1, pass.Sent);
        Assert.Equal(0, (await scenario.RunSchedulerAsync()).Sent);

        var reminder = Assert.Single(FromBot(await scenario.PatientMessagesAsync(), scenario));
        Assert.Contains("Metformin 500 mg tablet", reminder.Body, StringComparison.Ordinal);
        Assert.Contains("due 08:00", reminder.Body, StringComparison.Ordinal);
        Assert.NotNull(reminder.Reminder);
        Assert.Equal(ReminderQuickReplies.All, reminder.Reminder.QuickReplies);
        Assert.True(reminder.Automated);

        // The next morning is the first in summer time: still 08:00 in Berlin, now 06:00 UTC.
        Assert.Equal(0, (await scenario.AtAsync(SundayEight.AddMinutes(-1))).Sent);
        Assert.Equal(1, (await scenario.AtAsync(SundayEight)).Sent);
        var sunday = FromBot(await scenario.PatientMessagesAsync(), scenario)[^1];
        Assert.Contains("due 08:00", sunday.Body, StringComparison.Ordinal);
        Assert.Equal(SundayEight, sunday.SentAt);
    }

    [Fact]
    public async Task No_reminder_or_staff_message_goes_out_before_consent_and_withdrawal_stops_them_at_once()
    {
        await using var scenario = await PatientScenario.StartAsync(Start, consent: false);
        var conversationId = (await scenario.Patient!.GetPatientAsync(scenario.PatientId)).ConversationId!.Value;

        var pass = await scenario.AtAsync(SaturdayEight);
        Assert.Equal((0, 1), (pass.Sent, pass.NotSent));
        var refused = await Assert.ThrowsAsync<VigilApiException>(() => scenario.Clinician.SendMessageAsync(conversationId, "Hello Anna"));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("consent", refused.Detail, StringComparison.OrdinalIgnoreCase);

        // Consent to messaging alone is not consent to reminders.
        await scenario.Patient.SetConsentAsync(scenario.PatientId, new ConsentRequest(Messaging: true, Reminders: null));
        await scenario.Clinician.SendMessageAsync(conversationId, "Hello Anna");
        Assert.Equal(0, (await scenario.AtAsync(SundayEight)).Sent);

        await scenario.Patient.SetConsentAsync(scenario.PatientId, new ConsentRequest(Messaging: null, Reminders: true));
        Assert.Equal(1, (await scenario.AtAsync(SundayEight.AddDays(1))).Sent);

        await scenario.Patient.SetConsentAsync(scenario.PatientId, new ConsentRequest(Messaging: null, Reminders: false));
        Assert.Equal(0, (await scenario.AtAsync(SundayEight.AddDays(2))).Sent);

        var consent = await scenario.Clinician.GetConsentAsync(scenario.PatientId);
        Assert.Equal(["messaging:True", "reminders:True", "reminders:False"], consent.History.Select(c => $"{c.Kind}:{c.Granted}"));
        Assert.All(consent.History, c => Assert.Equal(scenario.PatientId, c.ActorId));
    }

    [Fact]
    public async Task Consent_recorded_by_staff_must_state_its_basis()
    {
        await using var scenario = await PatientScenario.StartAsync(Start, consent: false);
        var refused = await Assert.ThrowsAsync<VigilApiException>(() =>
            scenario.Clinician.SetConsentAsync(scenario.PatientId, new ConsentRequest(true, true)));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.Status);

        var consent = await scenario.Clinician.SetConsentAsync(scenario.PatientId, new ConsentRequest(true, true, "verbal, at the 27 March visit"));
        Assert.True(consent.Messaging && consent.Reminders);
        Assert.All(consent.History, c => Assert.Equal("verbal, at the 27 March visit", c.Basis));
    }

    [Fact]
    public async Task Reminders_due_while_the_server_was_down_are_sent_late_or_recorded_as_missed()
    {
        await using var scenario = await PatientScenario.StartAsync(Start);

        // 40 minutes late: still useful, sent and marked late.
        Assert.Equal(1, (await scenario.AtAsync(SaturdayEight.AddMinutes(40))).Sent);
        var late = FromBot(await scenario.PatientMessagesAsync(), scenario)[^1];
        Assert.Contains("Sent late", late.Body, StringComparison.Ordinal);
        await scenario.Patient!.AnswerReminderAsync(late.Reminder!.ReminderId, ReminderQuickReplies.Taken);

        // Three hours late (past the two-hour window): not sent; the dose is missed.
        var pass = await scenario.AtAsync(SundayEight.AddHours(3));
        Assert.Equal((0, 1), (pass.Sent, pass.NotSent));
        Assert.Single(FromBot(await scenario.PatientMessagesAsync(), scenario));
        var sunday = (await scenario.Clinician.GetRemindersAsync(scenario.PatientId, SundayEight, SundayEight.AddMinutes(1))).Reminders.Single();
        Assert.Equal((ReminderStatuses.NotSent, DoseOutcomes.Missed), (sunday.Status, sunday.Outcome));
    }

    [Fact]
    public async Task Two_schedulers_racing_for_the_same_due_reminders_send_each_exactly_once()
    {
        await using var scenario = await PatientScenario.StartAsync(Start,
            timing: """{"repeat":{"frequency":1,"period":10,"periodUnit":"min"}}""");
        var other = ActivatorUtilities.CreateInstance<ReminderScheduler>(scenario.Factory.Services);
        Assert.NotEqual(other.NodeId, scenario.Scheduler.NodeId);

        var total = 0;
        for (var minute = 0; minute <= 60; minute += 10)
        {
            scenario.Time.SetUtcNow(Start.AddMinutes(minute));
            var passes = await Task.WhenAll(
                scenario.Scheduler.RunOnceAsync(CancellationToken.None), other.RunOnceAsync(CancellationToken.None),
                scenario.Scheduler.RunOnceAsync(CancellationToken.None), other.RunOnceAsync(CancellationToken.None));
            total += passes.Sum(p => p.Sent);
        }

        var sent = FromBot(await scenario.PatientMessagesAsync(), scenario);
        Assert.Equal(7, total);
        Assert.Equal(7, sent.Count);
        Assert.Equal(7, sent.Select(m => m.Reminder!.ReminderId).Distinct().Count());
    }

    [Fact]
    public async Task Two_consecutive_missed_doses_alert_the_care_team_once()
    {
        await using var scenario = await PatientScenario.StartAsync(Start);
        await scenario.AtAsync(SaturdayEight);
        var first = await scenario.AtAsync(SaturdayEight.AddHours(4).AddMinutes(1));
        Assert.Equal((1, 0), (first.MarkedMissed, first.Alerts));

        await scenario.AtAsync(SundayEight);
        var second = await scenario.AtAsync(SundayEight.AddHours(4).AddMinutes(1));
        Assert.Equal((1, 1), (second.MarkedMissed, second.Alerts));
        Assert.Equal(0, (await scenario.RunSchedulerAsync()).Alerts);

        var alert = FromBot(await scenario.PatientMessagesAsync(), scenario)[^1];
        Assert.Contains("Care team", alert.Body, StringComparison.Ordinal);
        Assert.Contains("2 doses in a row were missed", alert.Body, StringComparison.Ordinal);
        Assert.Null(alert.Reminder);
    }

    [Fact]
    public async Task Snoozed_reminder_comes_back_thirty_minutes_later_and_can_then_be_taken()
    {
        await using var scenario = await PatientScenario.StartAsync(Start);
        await scenario.AtAsync(SaturdayEight);
        var reminderId = FromBot(await scenario.PatientMessagesAsync(), scenario)[^1].Reminder!.ReminderId;

        var snoozed = await scenario.Patient!.AnswerReminderAsync(reminderId, ReminderQuickReplies.Snooze);
        Assert.Equal(SaturdayEight.AddMinutes(30), snoozed.NextDeliveryAt);
        Assert.Equal(0, (await scenario.AtAsync(SaturdayEight.AddMinutes(29))).Sent);
        Assert.Equal(1, (await scenario.AtAsync(SaturdayEight.AddMinutes(30))).Sent);
        var again = FromBot(await scenario.PatientMessagesAsync(), scenario);
        Assert.Equal(2, again.Count);
        Assert.Contains("Snoozed", again[^1].Body, StringComparison.Ordinal);

        var taken = await scenario.Patient.AnswerReminderAsync(reminderId, ReminderQuickReplies.Taken);
        Assert.Equal(DoseOutcomes.Taken, taken.Outcome);
        var twice = await Assert.ThrowsAsync<VigilApiException>(() => scenario.Patient.AnswerReminderAsync(reminderId, ReminderQuickReplies.Skipped));
        Assert.Equal(System.Net.HttpStatusCode.Conflict, twice.Status);
    }

    [Fact]
    public async Task Only_the_patient_and_their_care_team_can_answer_a_reminder()
    {
        await using var scenario = await PatientScenario.StartAsync(Start);
        await scenario.AtAsync(SaturdayEight);
        var reminderId = FromBot(await scenario.PatientMessagesAsync(), scenario)[^1].Reminder!.ReminderId;
        var (researcher, _) = await scenario.Factory.UserAsync("researcher", VigilRoles.Researcher);
        using (researcher)
        {
            var refused = await Assert.ThrowsAsync<VigilApiException>(() => researcher.AnswerReminderAsync(reminderId, ReminderQuickReplies.Taken));
            Assert.Equal(System.Net.HttpStatusCode.NotFound, refused.Status);
        }

        var bad = await Assert.ThrowsAsync<VigilApiException>(() => scenario.Patient!.AnswerReminderAsync(reminderId, "maybe"));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.Status);
        var recorded = await scenario.Clinician.AnswerReminderAsync(reminderId, ReminderQuickReplies.Skipped, "nausea");
        Assert.Equal(DoseOutcomes.Skipped, recorded.Outcome);
    }

    [Fact]
    public async Task A_booked_appointment_is_reminded_a_day_and_an_hour_before_and_a_cancellation_stops_it()
    {
        await using var scenario = await PatientScenario.StartAsync(Start);
        var appointment = new DateTimeOffset(2026, 3, 30, 7, 30, 0, TimeSpan.Zero);
        static string Appointment(string status) =>
            $$"""{"resourceType":"Appointment","id":"appt-1","status":"{{status}}","description":"Diabetes review with Dr Weber","start":"2026-03-30T07:30:00Z","end":"2026-03-30T08:00:00Z","participant":[{"actor":{"reference":"Patient/{{PatientScenario.PatientFhirId}}"},"status":"accepted"}]}""";
        Assert.Equal(1, (await scenario.ImportAsync(Appointment("booked"))).Created);

        var list = await scenario.Patient!.GetRemindersAsync(scenario.PatientId, appointment.AddDays(-2), appointment);
        var reminders = list.Reminders.Where(r => r.Kind == "appointment").Select(r => r.DueUtc).ToList();
        Assert.Equal([appointment.AddHours(-24), appointment.AddHours(-1)], reminders);

        await scenario.AtAsync(appointment.AddHours(-24));
        var message = Assert.Single(FromBot(await scenario.PatientMessagesAsync(), scenario), m => m.Body!.StartsWith("📅", StringComparison.Ordinal));
        Assert.Contains("Diabetes review with Dr Weber", message.Body, StringComparison.Ordinal);
        Assert.Contains("Monday 30 March 2026 at 09:30", message.Body, StringComparison.Ordinal);
        Assert.Null(message.Reminder);

        Assert.Equal(1, (await scenario.ImportAsync(Appointment("cancelled"))).Updated);
        await scenario.AtAsync(appointment.AddHours(-1));
        Assert.Single(FromBot(await scenario.PatientMessagesAsync(), scenario), m => m.Body!.StartsWith("📅", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_background_scheduler_sends_a_due_reminder_without_being_asked()
    {
        // Start just before the dose and let the clock run in small steps: a fake clock that jumps hours would fire
        // the scheduler's one-second timer once per second skipped.
        await using var scenario = await PatientScenario.StartAsync(SaturdayEight.AddSeconds(-5), settings: new Dictionary<string, string?>
        {
            ["Vigil:Patients:SchedulerEnabled"] = "true",
        });

        var deadline = DateTime.UtcNow.AddSeconds(20);
        List<MessageDto> sent;
        do
        {
            scenario.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(100);
            sent = FromBot(await scenario.PatientMessagesAsync(), scenario);
        }
        while (sent.Count == 0 && DateTime.UtcNow < deadline);

        var reminder = Assert.Single(sent);
        Assert.Contains("due 08:00", reminder.Body, StringComparison.Ordinal);
        Assert.True(reminder.SentAt >= SaturdayEight);
    }
}
