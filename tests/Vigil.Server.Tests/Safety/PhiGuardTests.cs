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

public sealed class PhiGuardTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 27, 10, 0, 0, TimeSpan.Zero);
    private const string Draft = "Can someone look at Anna Schmidt's labs? Her number is +49 30 1234567.";

    private static async Task<(VigilClient Nurse, ConversationDto Channel)> ChannelAsync(PatientScenario scenario)
    {
        var (nurse, nurseUser) = await scenario.Factory.UserAsync("nurse", VigilRoles.Clinician);
        var channel = await scenario.Clinician.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Channel, [nurseUser.Id], "Study site chatter"));
        return (nurse, channel);
    }

    [Fact]
    public async Task A_draft_for_a_channel_is_checked_against_known_patients_and_identifiers_before_sending()
    {
        await using var scenario = await PatientScenario.StartAsync(Start);
        var (nurse, channel) = await ChannelAsync(scenario);
        using (nurse)
        {
            var check = await nurse.CheckPhiAsync(channel.Id, Draft);
            Assert.False(check.PhiAllowed);
            Assert.Contains(check.Findings, f => f.Type == "known-patient" && f.Text == "Anna Schmidt");
            Assert.Contains(check.Findings, f => f.Type == "phone" && Draft[f.Start..f.End] == "+49 30 1234567");
            Assert.Empty((await nurse.CheckPhiAsync(channel.Id, "Site visit moved to Thursday.")).Findings);
            var relative = await nurse.CheckPhiAsync(channel.Id, "can quandt collect the prescription today");
            Assert.Contains(relative.Findings, f => f.Type == "known-patient" && f.Text == "quandt");

            var patientConversation = (await scenario.Patient!.GetPatientAsync(scenario.PatientId)).ConversationId!.Value;
            var care = await scenario.Clinician.CheckPhiAsync(patientConversation, Draft);
            Assert.True(care.PhiAllowed);
            Assert.Empty(care.Findings);

            var outsider = await Assert.ThrowsAsync<VigilApiException>(() => scenario.Patient.CheckPhiAsync(channel.Id, Draft));
            Assert.Equal(HttpStatusCode.Forbidden, outsider.Status);
        }
    }

    [Fact]
    public async Task A_thorough_guard_flags_unknown_names_but_never_the_organisations_products()
    {
        await using var scenario = await PatientScenario.StartAsync(Start, settings: new Dictionary<string, string?>
        {
            ["Vigil:Safety:PhiSensitivity"] = "Thorough",
            ["Vigil:Safety:ProductNames:0"] = "Vigilomab",
        });
        var (nurse, channel) = await ChannelAsync(scenario);
        using (nurse)
        {
            var check = await nurse.CheckPhiAsync(channel.Id, "Vigilomab data look good; Shovda is very reliable.");

            Assert.Equal("Shovda", Assert.Single(check.Findings).Text);
        }
    }

    [Fact]
    public async Task PHI_sent_anyway_is_recorded_and_flagged_to_compliance_officers_without_telling_the_sender()
    {
        await using var scenario = await PatientScenario.StartAsync(Start);
        var (nurse, channel) = await ChannelAsync(scenario);
        var (officer, _) = await scenario.Factory.UserAsync("officer", VigilRoles.ComplianceOfficer);
        using (nurse)
        using (officer)
        {
            await using var officerHub = officer.CreateChatConnection(scenario.Factory.ChatOptions());
            var flagged = new EventRecorder<PhiFlagDto>();
            officerHub.PhiFlagged += flagged.Record;
            await officerHub.StartAsync();

            var sent = await nurse.SendMessageAsync(channel.Id, Draft, phiAcknowledged: true);
            await nurse.SendMessageAsync(channel.Id, "Site visit moved to Thursday.");
            await scenario.Factory.Services.GetRequiredService<SafetyMonitor>().RunOnceAsync(CancellationToken.None);

            var flag = Assert.Single(await officer.ListPhiFlagsAsync(unreviewedOnly: true));
            Assert.Equal(sent.Id, flag.MessageId);
            Assert.True(flag.SenderAcknowledged);
            Assert.Contains("known-patient", flag.Types);
            Assert.Equal(Draft, flag.MessageText);
            Assert.Equal(flag.Id, Assert.Single(await flagged.WaitUntilAsync(f => f.Count == 1)).Id);

            var reviewed = await officer.ReviewPhiFlagAsync(flag.Id);
            Assert.NotNull(reviewed.ReviewedAt);
            Assert.Empty(await officer.ListPhiFlagsAsync(unreviewedOnly: true));
            Assert.Equal(Draft, (await nurse.GetMessagesAsync(channel.Id)).Single(m => m.Id == sent.Id).Body);

            await using var scope = scenario.Factory.Services.CreateAsyncScope();
            var actions = await scope.ServiceProvider.GetRequiredService<VigilDbContext>().LedgerEntries
                .Where(e => e.Target == $"message/{sent.Id:D}/v1").Select(e => e.Action).ToListAsync();
            Assert.Equal(["message.created", "phi.warning.overridden", "phi.flagged", "phi.flag.reviewed"], actions);
        }
    }

    [Fact]
    public async Task An_administrator_clears_a_channel_for_PHI()
    {
        await using var scenario = await PatientScenario.StartAsync(Start);
        var (nurse, channel) = await ChannelAsync(scenario);
        using (nurse)
        {
            await scenario.Admin.ClassifyConversationAsync(channel.Id, phiAllowed: true);
            var check = await nurse.CheckPhiAsync(channel.Id, Draft);
            Assert.True(check.PhiAllowed);
            Assert.Empty(check.Findings);
        }
    }
}
