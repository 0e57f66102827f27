using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Client;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Server.Reminders;

namespace Vigil.Server.Tests.Patients;

public sealed class PatientRecordTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 27, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Reminder_list_gives_utc_and_patient_local_times_across_the_daylight_saving_change()
    {
        await using var scenario = await PatientScenario.StartAsync(Start);
        var list = await scenario.Patient!.GetRemindersAsync(scenario.PatientId,
            new DateTimeOffset(2026, 3, 28, 0, 0, 0, TimeSpan.FromHours(1)), new DateTimeOffset(2026, 3, 31, 0, 0, 0, TimeSpan.FromHours(2)));

        Assert.Equal("Europe/Berlin", list.TimeZone);
        Assert.Equal(["2026-03-28T08:00:00+01:00", "2026-03-29T08:00:00+02:00", "2026-03-30T08:00:00+02:00"],
            list.Reminders.Select(r => r.DueLocal.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal([7, 6, 6], list.Reminders.Select(r => r.DueUtc.UtcDateTime.Hour));
        Assert.All(list.Reminders, r => Assert.Equal("Metformin 500 mg tablet: 1 tablet", r.Title));
    }

    [Fact]
    public async Task Quiet_hours_defer_delivery_and_a_shifted_dose_time_moves_the_reminder()
    {
        await using var scenario = await PatientScenario.StartAsync(Start);
        var saturday = (new DateTimeOffset(2026, 3, 28, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 29, 0, 0, 0, TimeSpan.Zero));

        await scenario.Patient!.SetPatientPreferencesAsync(scenario.PatientId, new PatientPreferencesRequest(QuietHoursStart: "22:00", QuietHoursEnd: "08:30"));
        var quiet = (await scenario.Patient.GetRemindersAsync(scenario.PatientId, saturday.Item1, saturday.Item2)).Reminders.Single();
        Assert.Equal(new DateTimeOffset(2026, 3, 28, 7, 0, 0, TimeSpan.Zero), quiet.DueUtc);
        Assert.Equal(new DateTimeOffset(2026, 3, 28, 7, 30, 0, TimeSpan.Zero), quiet.DeliverUtc);
        Assert.Equal(0, (await scenario.AtAsync(quiet.DueUtc)).Sent);
        Assert.Equal(1, (await scenario.AtAsync(quiet.DeliverUtc)).Sent);

        var plan = (await scenario.Patient.GetReminderPlansAsync(scenario.PatientId)).Single();
        var shifted = await scenario.Patient.ShiftDoseTimeAsync(scenario.PatientId, plan.Id, new TimeShiftRequest("08:00", "09:30"));
        Assert.Equal("09:30", shifted.TimeShifts["08:00"]);
        var sunday = (await scenario.Patient.GetRemindersAsync(scenario.PatientId, saturday.Item2, saturday.Item2.AddDays(1))).Reminders.Single();
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 9, 30, 0, TimeSpan.FromHours(2)), sunday.DueLocal);

        var tooFar = await Assert.ThrowsAsync<VigilApiException>(() =>
            scenario.Patient.ShiftDoseTimeAsync(scenario.PatientId, plan.Id, new TimeShiftRequest("08:00", "17:00")));
        Assert.Equal(HttpStatusCode.BadRequest, tooFar.Status);
        var badZone = await Assert.ThrowsAsync<VigilApiException>(() =>
            scenario.Patient.SetPatientPreferencesAsync(scenario.PatientId, new PatientPreferencesRequest(TimeZone: "Mars/Olympus")));
        Assert.Equal(HttpStatusCode.BadRequest, badZone.Status);
    }

    [Fact]
    public async Task Adherence_counts_taken_skipped_and_missed_doses_over_seven_and_thirty_days()
    {
        await using var scenario = await PatientScenario.StartAsync(Start);
        var eight = new DateTimeOffset(2026, 3, 28, 7, 0, 0, TimeSpan.Zero);
        string[] answers = [ReminderQuickReplies.Taken, ReminderQuickReplies.Taken, ReminderQuickReplies.Skipped, "", ReminderQuickReplies.Taken];
        for (var day = 0; day < answers.Length; day++)
        {
            var due = day == 0 ? eight : eight.AddDays(day).AddHours(-1);
            await scenario.AtAsync(due);
            var reminderId = (await scenario.PatientMessagesAsync()).Last(m => m.Reminder is not null).Reminder!.ReminderId;
            if (answers[day].Length > 0)
            {
                await scenario.Patient!.AnswerReminderAsync(reminderId, answers[day], answers[day] == ReminderQuickReplies.Skipped ? "felt sick" : null);
            }
        }

        await scenario.AtAsync(new DateTimeOffset(2026, 4, 2, 12, 0, 0, TimeSpan.Zero));
        var adherence = await scenario.Clinician.GetAdherenceAsync(scenario.PatientId);

        // 28 Mar taken, 29 taken, 30 skipped, 31 unanswered (missed), 1 Apr taken, 2 Apr not sent in time (missed).
        Assert.Equal(new AdherenceSummaryDto(3, 1, 2, 0, 50.0), adherence.Last7Days);
        Assert.Equal(adherence.Last7Days, adherence.Last30Days);
        Assert.Equal(30, adherence.Days.Count);
        Assert.Equal("2026-04-02", adherence.Days[^1].Date);
        Assert.Equal(["T", "T", "S", "M", "T", "M"], adherence.Days.TakeLast(6)
            .Select(d => d.Taken == 1 ? "T" : d.Skipped == 1 ? "S" : d.Missed == 1 ? "M" : "?"));
    }

    [Fact]
    public async Task Patient_data_is_visible_only_to_the_care_team_and_the_patient_and_every_read_is_ledgered()
    {
        await using var scenario = await PatientScenario.StartAsync(Start);
        var (researcher, _) = await scenario.Factory.UserAsync("researcher", VigilRoles.Researcher);
        using (researcher)
        {
            var hidden = await Assert.ThrowsAsync<VigilApiException>(() => researcher.GetPatientAsync(scenario.PatientId));
            Assert.Equal(HttpStatusCode.NotFound, hidden.Status);
            var list = await Assert.ThrowsAsync<VigilApiException>(() => researcher.ListPatientsAsync());
            Assert.Equal(HttpStatusCode.Forbidden, list.Status);
        }

        var mine = await scenario.Patient!.GetPatientAsync(scenario.PatientId);
        Assert.Equal("Anna Schmidt", mine.Name);
        Assert.Equal("de-DE", mine.Language);
        Assert.True(mine.HasAccount);

        await using var scope = scenario.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        var reads = await db.LedgerEntries.CountAsync(e => e.Action == "patient.read" && e.Target == $"patient/{scenario.PatientId:D}");
        Assert.True(reads >= 2);
        // Demographics and plan titles are stored encrypted: the name is nowhere in the database file.
        var stored = await db.PatientProfiles.AsNoTracking().SingleAsync(p => p.Id == scenario.PatientId);
        Assert.DoesNotContain("Schmidt", stored.Demographics, StringComparison.Ordinal);
        Assert.DoesNotContain("Metformin", (await db.ReminderPlans.AsNoTracking().SingleAsync()).Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Erasing_a_patient_crypto_shreds_the_profile_and_stops_every_reminder()
    {
        await using var scenario = await PatientScenario.StartAsync(Start);
        await scenario.RunSchedulerAsync();
        var (officer, _) = await scenario.Factory.UserAsync("officer", VigilRoles.ComplianceOfficer);
        using (officer)
        {
            await officer.EraseSubjectAsync(scenario.PatientId, "GDPR Art. 17 request");
        }

        var erased = await scenario.Clinician.GetPatientAsync(scenario.PatientId);
        Assert.True(erased.Erased);
        Assert.Null(erased.Name);
        Assert.False(erased.ReminderConsent);
        scenario.Time.SetUtcNow(new DateTimeOffset(2026, 3, 28, 7, 0, 0, TimeSpan.Zero));
        Assert.Equal(0, (await scenario.RunSchedulerAsync()).Sent);
        var reimport = await scenario.ImportAsync(PatientScenario.PatientResource());
        Assert.Equal(1, reimport.Failed);
    }

    [Fact]
    public async Task An_invitation_code_works_once_and_opens_the_care_conversation_with_the_clinician_and_the_bot()
    {
        await using var scenario = await PatientScenario.StartAsync(Start, withAccount: false);
        var invitation = await scenario.Clinician.InvitePatientAsync(scenario.PatientId);
        using var anna = scenario.Factory.CreateVigilClient();
        await anna.AcceptPatientInvitationAsync(new AcceptInvitationRequest(invitation.Code.ToLowerInvariant(), "anna", Testing.VigilServerFactory.UserPassword, "anna@example.org"));
        var again = await Assert.ThrowsAsync<VigilApiException>(() => anna.AcceptPatientInvitationAsync(
            new AcceptInvitationRequest(invitation.Code, "anna2", Testing.VigilServerFactory.UserPassword, "anna2@example.org")));
        Assert.Equal(HttpStatusCode.BadRequest, again.Status);

        await anna.SignInAsync("anna", Testing.VigilServerFactory.UserPassword);
        Assert.Equal(scenario.PatientId, (await anna.GetMeAsync()).Id);
        var conversation = Assert.Single(await anna.ListConversationsAsync());
        Assert.Equal(ConversationKinds.Patient, conversation.Kind);
        Assert.Equal(3, conversation.Members.Count);
        Assert.Contains(conversation.Members, m => m.UserId == scenario.ClinicianUser.Id);
    }

    [Fact]
    public async Task The_organisations_dose_clock_decides_when_twice_a_day_is()
    {
        await using var scenario = await PatientScenario.StartAsync(Start, timing: """{"repeat":{"frequency":2,"period":1,"periodUnit":"d"}}""",
            settings: new Dictionary<string, string?> { ["Vigil:Patients:FirstDose"] = "07:00", ["Vigil:Patients:LastDose"] = "19:00" });
        var day = (await scenario.Clinician.GetRemindersAsync(scenario.PatientId,
            new DateTimeOffset(2026, 3, 28, 0, 0, 0, TimeSpan.FromHours(1)), new DateTimeOffset(2026, 3, 29, 0, 0, 0, TimeSpan.FromHours(1)))).Reminders;
        Assert.Equal(["07:00", "19:00"], day.Select(r => r.DueLocal.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)));
    }
}
