using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Server.Keys;
using Vigil.Server.Ledger;
using Vigil.Server.Patients;
using Vigil.Server.Problems;

namespace Vigil.Server.Safety;

/// <summary>
/// A safety case as an ICH E2B(R3) ICSR (HL7 v3 PORR_IN049016UV inside an MCCI_IN200100UV01 batch) with the data
/// elements a conversation provides, and as a human-readable HTML summary. MedDRA coding is left to the safety system
/// (MedDRA is licensed): reactions carry the reporter's words as E.i.1.1a. Every export is ledgered.
/// </summary>
public sealed class IcsrExport(VigilDbContext db, SafetyCases cases, DataKeyStore dataKeys, LedgerAppender ledger, TimeProvider time)
{
    public static readonly XNamespace Hl7 = "urn:hl7-org:v3";
    private static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";

    /// <summary>ICH E2B(R3) OIDs for the identifiers and code lists used here.</summary>
    private const string SafetyReportIdOid = "2.16.840.1.113883.3.989.2.1.3.1";
    private const string WorldwideCaseIdOid = "2.16.840.1.113883.3.989.2.1.3.2";
    private const string ReportTypeOid = "2.16.840.1.113883.3.989.2.1.1.2";
    private const string ObservationCodeOid = "2.16.840.1.113883.3.989.2.1.1.19";
    private const string QualificationOid = "2.16.840.1.113883.3.989.2.1.1.6";
    private const string DrugRoleOid = "2.16.840.1.113883.3.989.2.1.1.13";

    public async Task<string> E2bAsync(Guid caseId, Guid exporterId, CancellationToken cancellationToken)
    {
        var (dto, patient, reporter) = await LoadAsync(caseId, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var events = dto.Mentions.Where(m => m is { Kind: "event", Context: "present" }).Select(m => m.Text).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var drugs = dto.Mentions.Where(m => m.Kind == "drug").Select(m => m.Text).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var serious = dto.Seriousness == SafetyCaseSeriousness.Serious;

        XElement Ts(string name, DateTimeOffset at) => new(Hl7 + name, new XAttribute("value", at.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)));
        XElement Code(string name, string code, string system, string? display = null) =>
            new(Hl7 + name, new XAttribute("code", code), new XAttribute("codeSystem", system), display is null ? null : new XAttribute("displayName", display));

        XElement Observation(string code, string display, params object[] content) =>
            new(Hl7 + "observation", new XAttribute("classCode", "OBS"), new XAttribute("moodCode", "EVN"), Code("code", code, ObservationCodeOid, display), content);

        XElement Reaction(string reported) => new(Hl7 + "subjectOf2", new XAttribute("typeCode", "SBJ"),
            Observation("29", "reaction",
                new XElement(Hl7 + "effectiveTime", new XElement(Hl7 + "low", new XAttribute("value", dto.DayZero.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)))),
                // E.i.1.1a reaction as reported; E.i.2.1 MedDRA code left to the safety database.
                new XElement(Hl7 + "value", new XAttribute(Xsi + "type", "CE"), new XAttribute("nullFlavor", "UNK"), new XElement(Hl7 + "originalText", reported)),
                new XElement(Hl7 + "outboundRelationship2", new XAttribute("typeCode", "PERT"),
                    Observation("26", "seriousness", new XElement(Hl7 + "value", new XAttribute(Xsi + "type", "BL"), new XAttribute("value", serious ? "true" : "false"))))));

        XElement Drug(string reported)
        {
            // G.k.2.2 medicinal product name as reported.
            var product = new XElement(Hl7 + "consumable", new XAttribute("typeCode", "CSM"),
                new XElement(Hl7 + "instanceOfKind", new XAttribute("classCode", "INST"),
                    new XElement(Hl7 + "kindOfProduct", new XAttribute("classCode", "MMAT"), new XAttribute("determinerCode", "KIND"), new XElement(Hl7 + "name", reported))));
            // G.k.1 characterisation of drug role: 1 = suspect.
            var role = new XElement(Hl7 + "outboundRelationship2", new XAttribute("typeCode", "PERT"),
                Observation("20", "drug characterisation", new XElement(Hl7 + "value", new XAttribute(Xsi + "type", "CE"), new XAttribute("code", "1"), new XAttribute("codeSystem", DrugRoleOid))));
            return new XElement(Hl7 + "subjectOf2", new XAttribute("typeCode", "SBJ"),
                new XElement(Hl7 + "organizer", new XAttribute("classCode", "CATEGORY"), new XAttribute("moodCode", "EVN"),
                    Code("code", "4", "2.16.840.1.113883.3.989.2.1.1.20", "drug information"),
                    new XElement(Hl7 + "component", new XAttribute("typeCode", "COMP"),
                        new XElement(Hl7 + "substanceAdministration", new XAttribute("classCode", "SBADM"), new XAttribute("moodCode", "EVN"), product, role))));
        }

        // D.1 patient: initials only, as E2B asks; sex and birth date when the patient is known.
        var person = new XElement(Hl7 + "player1", new XAttribute("classCode", "PSN"), new XAttribute("determinerCode", "INSTANCE"),
            patient?.Initials is { } initials ? new XElement(Hl7 + "name", initials) : new XElement(Hl7 + "name", new XAttribute("nullFlavor", "UNK")),
            patient?.Gender is { } gender
                ? new XElement(Hl7 + "administrativeGenderCode", new XAttribute("code", gender == "female" ? "2" : gender == "male" ? "1" : "0"), new XAttribute("codeSystem", "1.0.5218"))
                : new XElement(Hl7 + "administrativeGenderCode", new XAttribute("nullFlavor", "UNK")),
            patient?.BirthDate is { } birth ? new XElement(Hl7 + "birthTime", new XAttribute("value", birth.Replace("-", "", StringComparison.Ordinal))) : null);
        var patientElement = new XElement(Hl7 + "primaryRole", new XAttribute("classCode", "INVSBJ"), person,
            events.Select(Reaction), drugs.Select(Drug));

        // C.2.r primary source: the sender, with their qualification (3 other health professional, 5 consumer).
        var primarySource = new XElement(Hl7 + "outboundRelationship", new XAttribute("typeCode", "SPRT"),
            new XElement(Hl7 + "relatedInvestigation", new XAttribute("classCode", "INVSTG"), new XAttribute("moodCode", "EVN"),
                Code("code", "2", "2.16.840.1.113883.3.989.2.1.1.22", "primary source"),
                new XElement(Hl7 + "subjectOf2", new XAttribute("typeCode", "SUBJ"),
                    new XElement(Hl7 + "controlActEvent", new XAttribute("classCode", "CACT"), new XAttribute("moodCode", "EVN"),
                        new XElement(Hl7 + "author", new XAttribute("typeCode", "AUT"),
                            new XElement(Hl7 + "assignedEntity", new XAttribute("classCode", "ASSIGNED"),
                                new XElement(Hl7 + "assignedPerson", new XAttribute("classCode", "PSN"), new XAttribute("determinerCode", "INSTANCE"),
                                    new XElement(Hl7 + "name", reporter.Name),
                                    new XElement(Hl7 + "asQualifiedEntity", new XAttribute("classCode", "QUAL"),
                                        new XElement(Hl7 + "code", new XAttribute("code", reporter.Qualification), new XAttribute("codeSystem", QualificationOid))))))))));

        var investigation = new XElement(Hl7 + "investigationEvent", new XAttribute("classCode", "INVSTG"), new XAttribute("moodCode", "EVN"),
            new XElement(Hl7 + "id", new XAttribute("root", SafetyReportIdOid), new XAttribute("extension", $"VIGIL-{dto.Id:N}")),
            new XElement(Hl7 + "id", new XAttribute("root", WorldwideCaseIdOid), new XAttribute("extension", $"VIGIL-{dto.Id:N}")),
            Code("code", "PAT_ADV_EVNT", "2.16.840.1.113883.5.4"),
            // H.1 case narrative: the message as received.
            new XElement(Hl7 + "text", dto.MessageText ?? "(content erased)"),
            new XElement(Hl7 + "statusCode", new XAttribute("code", "active")),
            new XElement(Hl7 + "effectiveTime", new XElement(Hl7 + "low", new XAttribute("value", dto.DayZero.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)))),
            Ts("availabilityTime", dto.UpdatedAt),
            new XElement(Hl7 + "component", new XAttribute("typeCode", "COMP"),
                new XElement(Hl7 + "adverseEventAssessment", new XAttribute("classCode", "INVSTG"), new XAttribute("moodCode", "EVN"),
                    new XElement(Hl7 + "subject1", new XAttribute("typeCode", "SBJ"), patientElement))),
            new XElement(Hl7 + "subjectOf2", new XAttribute("typeCode", "SUBJ"),
                new XElement(Hl7 + "investigationCharacteristic", new XAttribute("classCode", "OBS"), new XAttribute("moodCode", "EVN"),
                    Code("code", "1", "2.16.840.1.113883.3.989.2.1.1.23", "ichReportType"),
                    // C.1.3 type of report: 1 = spontaneous.
                    new XElement(Hl7 + "value", new XAttribute(Xsi + "type", "CE"), new XAttribute("code", "1"), new XAttribute("codeSystem", ReportTypeOid)))),
            primarySource);

        var document = new XDocument(new XDeclaration("1.0", "UTF-8", null),
            new XElement(Hl7 + "MCCI_IN200100UV01", new XAttribute("ITSVersion", "XML_1.0"), new XAttribute(XNamespace.Xmlns + "xsi", Xsi),
                new XElement(Hl7 + "id", new XAttribute("root", "2.16.840.1.113883.3.989.2.1.3.22"), new XAttribute("extension", $"VIGIL-BATCH-{dto.Id:N}")),
                Ts("creationTime", now),
                new XElement(Hl7 + "PORR_IN049016UV",
                    new XElement(Hl7 + "id", new XAttribute("root", "2.16.840.1.113883.3.989.2.1.3.1"), new XAttribute("extension", $"VIGIL-MSG-{dto.Id:N}")),
                    // C.1.2 date of creation.
                    Ts("creationTime", now),
                    new XElement(Hl7 + "controlActProcess", new XAttribute("classCode", "CACT"), new XAttribute("moodCode", "EVN"),
                        Code("code", "PORR_TE049016UV", "2.16.840.1.113883.1.18"),
                        Ts("effectiveTime", now),
                        new XElement(Hl7 + "subject", new XAttribute("typeCode", "SUBJ"), investigation)))));
        await AuditAsync(exporterId, caseId, "E2B(R3)", cancellationToken).ConfigureAwait(false);
        var builder = new StringBuilder();
        using (var writer = new Utf8StringWriter(builder))
        {
            document.Save(writer);
        }

        return builder.ToString();
    }

    public async Task<string> HtmlAsync(Guid caseId, Guid exporterId, CancellationToken cancellationToken)
    {
        var (dto, patient, reporter) = await LoadAsync(caseId, cancellationToken).ConfigureAwait(false);
        static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Safety case ").Append(dto.Id)
            .Append("</title><style>body{font-family:sans-serif;max-width:52rem;margin:2rem auto}mark.drug{background:#cde}mark.event{background:#fd8}td,th{padding:.2rem .6rem;text-align:left}</style></head><body>");
        html.Append("<h1>Safety case</h1><table>");
        void Row(string label, string? value) => html.Append("<tr><th>").Append(E(label)).Append("</th><td>").Append(E(value)).Append("</td></tr>");
        Row("Case", dto.Id.ToString());
        Row("Status", dto.Status);
        Row("Source", dto.Source + (dto.Score is { } score ? string.Create(CultureInfo.InvariantCulture, $" (score {score:0.000})") : ""));
        Row("Day 0", dto.DayZero.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));
        Row("Due", dto.DueAt?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Row("Seriousness", dto.Seriousness ?? "not yet assessed (15-day clock runs)");
        Row("Reporter", $"{reporter.Name} ({(reporter.Qualification == "5" ? "consumer" : "health professional")})");
        Row("Patient", patient is null ? "unknown" : $"{patient.Initials} {patient.Gender} {patient.BirthDate}");
        html.Append("</table><h2>Minimum criteria (ICH E2D)</h2><ul>");
        foreach (var (label, found) in new[] { ("Identifiable patient", dto.Criteria.IdentifiablePatient), ("Identifiable reporter", dto.Criteria.IdentifiableReporter),
                     ("Suspect product", dto.Criteria.SuspectProduct), ("Adverse event", dto.Criteria.AdverseEvent) })
        {
            html.Append("<li>").Append(E(label)).Append(": <strong>").Append(found ? "found" : "missing").Append("</strong></li>");
        }

        html.Append("</ul><h2>Message</h2><blockquote>");
        var text = dto.MessageText ?? "(content erased)";
        var position = 0;
        foreach (var mention in dto.MessageText is null ? Enumerable.Empty<SafetyMentionDto>() : dto.Mentions.OrderBy(m => m.Start))
        {
            if (mention.Start < position || mention.End > text.Length)
            {
                continue;
            }

            html.Append(E(text[position..mention.Start])).Append("<mark class=\"").Append(mention.Kind).Append("\" title=\"").Append(E(mention.Context)).Append("\">")
                .Append(E(text[mention.Start..mention.End])).Append("</mark>");
            position = mention.End;
        }

        html.Append(E(text[position..])).Append("</blockquote>");
        if (dto.Notes.Count > 0)
        {
            html.Append("<h2>Notes</h2><ul>");
            foreach (var note in dto.Notes)
            {
                html.Append("<li>").Append(E(note.At.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))).Append(": ").Append(E(note.Text)).Append("</li>");
            }

            html.Append("</ul>");
        }

        html.Append("</body></html>");
        await AuditAsync(exporterId, caseId, "HTML summary", cancellationToken).ConfigureAwait(false);
        return html.ToString();
    }

    private sealed record PatientFacts(string? Initials, string? Gender, string? BirthDate);

    private sealed record ReporterFacts(string Name, string Qualification);

    private async Task<(SafetyCaseDto Case, PatientFacts? Patient, ReporterFacts Reporter)> LoadAsync(Guid caseId, CancellationToken cancellationToken)
    {
        var dto = await cases.GetAsync(caseId, cancellationToken).ConfigureAwait(false);
        var message = await db.Messages.AsNoTracking().SingleAsync(m => m.Id == dto.MessageId, cancellationToken).ConfigureAwait(false);
        var conversation = await db.Conversations.AsNoTracking().SingleAsync(c => c.Id == dto.ConversationId, cancellationToken).ConfigureAwait(false);
        var sender = await db.Users.AsNoTracking().SingleAsync(u => u.Id == message.SenderId, cancellationToken).ConfigureAwait(false);
        var senderIsPatient = conversation.PatientId == sender.Id;
        var reporter = new ReporterFacts(sender.DisplayName, senderIsPatient ? "5" : "3");
        PatientFacts? patient = null;
        if (conversation.PatientId is { } patientId
            && await db.PatientProfiles.AsNoTracking().SingleOrDefaultAsync(p => p.Id == patientId, cancellationToken).ConfigureAwait(false) is { } profile
            && await dataKeys.GetAsync(db, profile.Id, cancellationToken).ConfigureAwait(false) is { } key && profile.Demographics.Length > 0)
        {
            var demographics = JsonSerializer.Deserialize<PatientDemographics>(ContentCipher.Decrypt(key, profile.Id, profile.Demographics))!;
            var initials = string.Concat(demographics.Name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => char.ToUpperInvariant(p[0])));
            patient = new PatientFacts(initials, demographics.Gender, demographics.BirthDate);
        }

        return (dto, patient, reporter);
    }

    private async Task AuditAsync(Guid exporterId, Guid caseId, string format, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ledger.AppendAsync(db, [new LedgerEvent(exporterId, LedgerActions.SafetyCaseExported, $"safety-case/{caseId:D}", format)], time.GetUtcNow(), cancellationToken)
            .ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private sealed class Utf8StringWriter(StringBuilder builder) : StringWriter(builder, CultureInfo.InvariantCulture)
    {
        public override Encoding Encoding => Encoding.UTF8;
    }
}
