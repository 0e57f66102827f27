using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Client;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Server.Safety;
using Vigil.Server.Tests.Patients;
using Vigil.Testing;

namespace Vigil.Server.Tests.Safety;

public sealed class SafetyCaseTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 27, 10, 0, 0, TimeSpan.Zero);
    private const string AdverseEvent = "Since I started the metformin I have terrible diarrhea and nausea every day.";

    private static Task<int> ScreenAsync(PatientScenario scenario) =>
        scenario.Factory.Services.GetRequiredService<SafetyMonitor>().RunOnceAsync(CancellationToken.None);

    private static async Task<Guid> ConversationAsync(PatientScenario scenario) =>
        (await scenario.Patient!.GetPatientAsync(scenario.PatientId)).ConversationId!.Value;

    [Fact]
    public async Task An_adverse_event_in_a_patient_conversation_opens_a_case_and_notifies_safety_officers_only()
    {
        await using var scenario = await PatientScenario.StartAsync(Start);
        var (officer, _) = await scenario.Factory.UserAsync("officer", VigilRoles.SafetyOfficer);
        using var officerClient = officer;
        await using var officerHub = officerClient.CreateChatConnection(scenario.Factory.ChatOptions());
        var opened = new EventRecorder<SafetyCaseDto>();
        officerHub.SafetyCaseOpened += opened.Record;
        await officerHub.StartAsync();
        await using var patientHub = scenario.Patient!.CreateChatConnection(scenario.Factory.ChatOptions());
        var patientSawCase = new EventRecorder<SafetyCaseDto>();
        patientHub.SafetyCaseOpened += patientSawCase.Record;
        await patientHub.StartAsync();

        var sent = await scenario.Patient.SendMessageAsync(await ConversationAsync(scenario), AdverseEvent);
        Assert.Equal(1, await ScreenAsync(scenario));
        Assert.Equal(0, await ScreenAsync(scenario));

        var notified = Assert.Single(await opened.WaitUntilAsync(items => items.Count == 1));
        Assert.Equal(sent.Id, notified.MessageId);
        var safetyCase = await officerClient.GetSafetyCaseAsync(notified.Id);
        Assert.Equal((SafetyCaseSources.Detector, SafetyCaseStatuses.New), (safetyCase.Source, safetyCase.Status));
        Assert.Equal(new IcsrCriteriaDto(true, true, true, true), safetyCase.Criteria);
        Assert.Equal(sent.SentAt, safetyCase.DayZero);
        Assert.Equal(sent.SentAt.AddDays(15), safetyCase.DueAt);
        Assert.Equal(AdverseEvent, safetyCase.MessageText);
        Assert.Contains(safetyCase.Mentions, m => m.Kind == "drug" && m.Text == "metformin" && AdverseEvent[m.Start..m.End] == "metformin");
        Assert.Contains(safetyCase.Mentions, m => m.Kind == "event" && m.Text == "diarrhea" && m.Context == "present");

        // No chilling effect: the patient's message is unchanged and nobody in the conversation hears of the case.
        var seen = (await scenario.Patient.GetMessagesAsync(sent.ConversationId)).Single(m => m.Id == sent.Id);
        Assert.Equal((sent.Body, sent.Version, false, (DateTimeOffset?)null), (seen.Body, seen.Version, seen.Deleted, seen.EditedAt));
        await Task.Delay(200);
        Assert.Empty(patientSawCase.Items);
        var forbidden = await Assert.ThrowsAsync<VigilApiException>(() => scenario.Clinician.ListSafetyCasesAsync());
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.Status);
    }

    [Fact]
    public async Task Ordinary_messages_and_unscreened_channels_open_no_case_until_an_administrator_turns_screening_on()
    {
        await using var scenario = await PatientScenario.StartAsync(Start);
        await scenario.Patient!.SendMessageAsync(await ConversationAsync(scenario), "Thank you, see you on Monday.");
        var (colleague, colleagueUser) = await scenario.Factory.UserAsync("nurse", VigilRoles.Clinician);
        using var nurse = colleague;
        var channel = await scenario.Clinician.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Channel, [colleagueUser.Id], "Nurse educators"));
        await nurse.SendMessageAsync(channel.Id, "A patient of mine on lisinopril fainted twice this week.");
        await ScreenAsync(scenario);
        var (officer, _) = await scenario.Factory.UserAsync("officer", VigilRoles.SafetyOfficer);
        using (officer)
        {
            Assert.Empty(await officer.ListSafetyCasesAsync());

            await scenario.Admin.SetSafetyMonitoringAsync(channel.Id, monitored: true);
            var reported = await nurse.SendMessageAsync(channel.Id, "Another patient on lisinopril is dizzy and fainted at home.");
            await ScreenAsync(scenario);

            var safetyCase = Assert.Single(await officer.ListSafetyCasesAsync());
            Assert.Equal(reported.Id, safetyCase.MessageId);
            Assert.True(safetyCase.Criteria.IdentifiablePatient, "\"another patient\" points at someone");
        }
    }

    [Fact]
    public async Task The_workflow_moves_by_allowed_steps_and_seriousness_sets_the_reporting_clock()
    {
        await using var scenario = await PatientScenario.StartAsync(Start);
        var sent = await scenario.Patient!.SendMessageAsync(await ConversationAsync(scenario), AdverseEvent);
        await ScreenAsync(scenario);
        var (officer, officerUser) = await scenario.Factory.UserAsync("officer", VigilRoles.SafetyOfficer);
        using (officer)
        {
            var id = (await officer.ListSafetyCasesAsync(SafetyCaseStatuses.New)).Single().Id;
            var jump = await Assert.ThrowsAsync<VigilApiException>(() => officer.UpdateSafetyCaseAsync(id, new UpdateSafetyCaseRequest(Status: SafetyCaseStatuses.Submitted)));
            Assert.Equal(HttpStatusCode.Conflict, jump.Status);

            await officer.UpdateSafetyCaseAsync(id, new UpdateSafetyCaseRequest(Status: SafetyCaseStatuses.InReview, AssigneeId: officerUser.Id));
            var valid = await officer.UpdateSafetyCaseAsync(id, new UpdateSafetyCaseRequest(
                Status: SafetyCaseStatuses.ValidCase, Seriousness: SafetyCaseSeriousness.NonSerious, Note: "Called the patient; symptoms mild."));
            Assert.Equal(sent.SentAt.AddDays(90), valid.DueAt);
            Assert.Equal(officerUser.Id, valid.AssigneeId);
            Assert.Equal("Called the patient; symptoms mild.", Assert.Single(valid.Notes).Text);
            Assert.Equal(SafetyCaseStatuses.Submitted, (await officer.UpdateSafetyCaseAsync(id, new UpdateSafetyCaseRequest(Status: SafetyCaseStatuses.Submitted))).Status);

            var badAssignee = await Assert.ThrowsAsync<VigilApiException>(() => officer.UpdateSafetyCaseAsync(id, new UpdateSafetyCaseRequest(AssigneeId: scenario.PatientId)));
            Assert.Equal(HttpStatusCode.BadRequest, badAssignee.Status);

            await using var scope = scenario.Factory.Services.CreateAsyncScope();
            var ledger = await scope.ServiceProvider.GetRequiredService<VigilDbContext>().LedgerEntries
                .Where(e => e.Target == $"safety-case/{id:D}").OrderBy(e => e.Sequence).Select(e => e.Action).ToListAsync();
            Assert.Equal(["safety.case.opened", "safety.case.updated", "safety.case.updated", "safety.case.updated"], ledger);
        }
    }

    [Fact]
    public async Task An_officer_can_raise_a_case_on_any_message_once_per_version()
    {
        await using var scenario = await PatientScenario.StartAsync(Start);
        var sent = await scenario.Patient!.SendMessageAsync(await ConversationAsync(scenario), "The new tablets are fine I think.");
        await ScreenAsync(scenario);
        var (officer, _) = await scenario.Factory.UserAsync("officer", VigilRoles.SafetyOfficer);
        using (officer)
        {
            Assert.Empty(await officer.ListSafetyCasesAsync());
            var raised = await officer.RaiseSafetyCaseAsync(new RaiseSafetyCaseRequest(sent.Id, "Patient mentioned feeling off by phone."));
            Assert.Equal(SafetyCaseSources.Manual, raised.Source);
            Assert.Single(raised.Notes);
            var again = await Assert.ThrowsAsync<VigilApiException>(() => officer.RaiseSafetyCaseAsync(new RaiseSafetyCaseRequest(sent.Id)));
            Assert.Equal(HttpStatusCode.Conflict, again.Status);
        }
    }
}
