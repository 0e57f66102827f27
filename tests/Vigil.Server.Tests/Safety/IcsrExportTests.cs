using System.Xml;
using System.Xml.Linq;
using System.Xml.XPath;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Contracts;
using Vigil.Server.Safety;
using Vigil.Server.Tests.Patients;

namespace Vigil.Server.Tests.Safety;

public sealed class IcsrExportTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 27, 10, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The ICH E2B(R3) data elements a conversation provides, with where the HL7 v3 ICSR carries them. Every one must be
    /// present and filled.
    /// </summary>
    private static readonly (string Element, string XPath)[] Elements =
    [
        ("N.1 batch", "/hl7:MCCI_IN200100UV01/hl7:id/@extension"),
        ("C.1.1 sender's safety report unique identifier", "//hl7:investigationEvent/hl7:id[@root='2.16.840.1.113883.3.989.2.1.3.1']/@extension"),
        ("C.1.2 date of creation", "//hl7:PORR_IN049016UV/hl7:creationTime/@value"),
        ("C.1.3 type of report", "//hl7:investigationCharacteristic/hl7:value/@code"),
        ("C.1.4 date report was first received (day 0)", "//hl7:investigationEvent/hl7:effectiveTime/hl7:low/@value"),
        ("C.1.5 date of most recent information", "//hl7:investigationEvent/hl7:availabilityTime/@value"),
        ("C.1.8.1 worldwide unique case identification", "//hl7:investigationEvent/hl7:id[@root='2.16.840.1.113883.3.989.2.1.3.2']/@extension"),
        ("C.2.r.2 reporter's name", "//hl7:assignedPerson/hl7:name"),
        ("C.2.r.4 qualification", "//hl7:asQualifiedEntity/hl7:code/@code"),
        ("D.1 patient (initials)", "//hl7:primaryRole/hl7:player1/hl7:name"),
        ("D.5 sex", "//hl7:primaryRole/hl7:player1/hl7:administrativeGenderCode/@code"),
        ("E.i.1.1a reaction as reported", "//hl7:observation[hl7:code/@code='29']/hl7:value/hl7:originalText"),
        ("E.i.3.1 seriousness", "//hl7:observation[hl7:code/@code='26']/hl7:value/@value"),
        ("G.k.1 characterisation of drug role", "//hl7:observation[hl7:code/@code='20']/hl7:value/@code"),
        ("G.k.2.2 medicinal product as reported", "//hl7:kindOfProduct/hl7:name"),
        ("H.1 case narrative", "//hl7:investigationEvent/hl7:text"),
    ];

    [Fact]
    public async Task A_case_exports_as_an_E2B_R3_ICSR_with_every_element_the_conversation_provides()
    {
        await using var scenario = await PatientScenario.StartAsync(Start);
        var conversation = (await scenario.Patient!.GetPatientAsync(scenario.PatientId)).ConversationId!.Value;
        await scenario.Patient.SendMessageAsync(conversation, "Since I started the metformin I have terrible diarrhea and nausea every day.");
        await scenario.Factory.Services.GetRequiredService<SafetyMonitor>().RunOnceAsync(CancellationToken.None);
        var (officer, _) = await scenario.Factory.UserAsync("officer", VigilRoles.SafetyOfficer);
        using (officer)
        {
            var id = (await officer.ListSafetyCasesAsync()).Single().Id;
            await officer.UpdateSafetyCaseAsync(id, new UpdateSafetyCaseRequest(Seriousness: SafetyCaseSeriousness.Serious));

            var document = XDocument.Parse(await officer.ExportSafetyCaseE2bAsync(id));
            var names = new XmlNamespaceManager(new NameTable());
            names.AddNamespace("hl7", "urn:hl7-org:v3");
            foreach (var (element, xpath) in Elements)
            {
                var values = ((IEnumerable<object>)document.XPathEvaluate(xpath, names))
                    .Select(node => node switch { XAttribute a => a.Value, XElement e => e.Value, _ => "" }).ToList();
                Assert.True(values.Any(v => v.Length > 0), $"{element} is missing ({xpath})");
            }

            string Value(string xpath) => ((IEnumerable<object>)document.XPathEvaluate(xpath, names)).Select(n => n is XAttribute a ? a.Value : ((XElement)n).Value).First();
            Assert.Equal("AS", Value("//hl7:primaryRole/hl7:player1/hl7:name"));
            Assert.Equal("2", Value("//hl7:primaryRole/hl7:player1/hl7:administrativeGenderCode/@code"));
            Assert.Equal("19610402", Value("//hl7:primaryRole/hl7:player1/hl7:birthTime/@value"));
            Assert.Equal("5", Value("//hl7:asQualifiedEntity/hl7:code/@code"));
            Assert.Equal("metformin", Value("//hl7:kindOfProduct/hl7:name"));
            Assert.Equal("true", Value("//hl7:observation[hl7:code/@code='26']/hl7:value/@value"));
            Assert.Equal("20260327", Value("//hl7:investigationEvent/hl7:effectiveTime/hl7:low/@value"));
        }
    }

    [Fact]
    public async Task The_HTML_summary_highlights_mentions_and_escapes_whatever_the_message_contains()
    {
        await using var scenario = await PatientScenario.StartAsync(Start);
        var conversation = (await scenario.Patient!.GetPatientAsync(scenario.PatientId)).ConversationId!.Value;
        var sent = await scenario.Patient.SendMessageAsync(conversation, "<script>alert(1)</script> the metformin gives me nausea");
        var (officer, _) = await scenario.Factory.UserAsync("officer", VigilRoles.SafetyOfficer);
        using (officer)
        {
            var raised = await officer.RaiseSafetyCaseAsync(new RaiseSafetyCaseRequest(sent.Id));
            var html = await officer.GetSafetyCaseSummaryAsync(raised.Id);
            Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
            Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
            Assert.Contains("<mark class=\"drug\" title=\"present\">metformin</mark>", html, StringComparison.Ordinal);
            Assert.Contains("<mark class=\"event\" title=\"present\">nausea</mark>", html, StringComparison.Ordinal);
            Assert.Contains("Identifiable patient: <strong>found</strong>", html, StringComparison.Ordinal);
        }
    }
}
