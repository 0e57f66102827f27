using System.Text.RegularExpressions;
using Vigil.Contracts;
using Vigil.Safety.Detection;

namespace Vigil.Server.Safety;

/// <summary>
/// The four minimum criteria of a valid individual case safety report (ICH E2D): an identifiable patient, an
/// identifiable reporter, a suspect product and an adverse event, read from the message and where it was said.
/// </summary>
internal static partial class IcsrCriteria
{
    public static IcsrCriteriaDto Of(AeFinding finding, string conversationKind, bool senderIsPatient, string text) => new(
        // In a patient conversation the patient is known; elsewhere the text has to point at someone.
        IdentifiablePatient: conversationKind == ConversationKinds.Patient || senderIsPatient || PatientCue().IsMatch(text),
        // Every sender is an authenticated user with a name and contact details.
        IdentifiableReporter: true,
        SuspectProduct: finding.MentionsDrug,
        AdverseEvent: finding.ReportsEvent || finding.IsAdverseEvent);

    [GeneratedRegex(@"\b(patient|pt|my (mother|mom|mum|father|dad|son|daughter|wife|husband|child|baby|brother|sister|partner)|(he|she) (has|had|developed|got|reported|complained)|\d{1,3}[- ]?(year|yr)s?[- ]old|mr\.?|mrs\.?|ms\.?)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PatientCue();
}
