using System.Text.Json;
using Vigil.Safety.Lexicons;
using Vigil.Safety.Phi;
using Vigil.Testing;

namespace Vigil.Safety.Tests;

public sealed class PhiDetectorTests
{
    [Theory]
    [InlineData("Call her on +49 30 1234567 tomorrow.", PhiTypes.Phone, "+49 30 1234567")]
    [InlineData("Mail anna.schmidt@example.org please", PhiTypes.Email, "anna.schmidt@example.org")]
    [InlineData("SSN 123-45-6789 on file", PhiTypes.Ssn, "123-45-6789")]
    [InlineData("Card 4111 1111 1111 1111 was charged", PhiTypes.CreditCard, "4111 1111 1111 1111")]
    [InlineData("MRN: A123456789 in the chart", PhiTypes.Identifier, "A123456789")]
    [InlineData("Born 04/02/1931 in Kansas", PhiTypes.Date, "04/02/1931")]
    [InlineData("Admitted on March 5, 2024 at night", PhiTypes.Date, "March 5, 2024")]
    [InlineData("She is 95 years old", PhiTypes.Age, "95 years old")]
    [InlineData("Lives at 12 Oak Street, Springfield", PhiTypes.Address, "12 Oak Street")]
    [InlineData("Her daughter Anna called about the visit", PhiTypes.Person, "Anna")]
    [InlineData("Spoke with Mr. Koskinen this morning", PhiTypes.Person, "Koskinen")]
    [InlineData("follow up with Jokubas Kalnins next week", PhiTypes.Person, "Jokubas Kalnins")]
    [InlineData("my name is siiri", PhiTypes.Person, "siiri")]
    [InlineData("Server 192.168.10.42 is down", PhiTypes.IpAddress, "192.168.10.42")]
    [InlineData("Why is Katrine so impulsive?", PhiTypes.Person, "Katrine")]
    [InlineData("follow up with patricia desrosiers in a couple of months", PhiTypes.Person, "patricia desrosiers")]
    [InlineData("Leif, can I please speak to your boss?", PhiTypes.Person, "Leif")]
    [InlineData("\"Glad to hear it,\" says Hartvigsson.", PhiTypes.Person, "Hartvigsson")]
    [InlineData("Sometimes people call me Csanád", PhiTypes.Person, "Csanád")]
    [InlineData("Card number 630427373398 is lost", PhiTypes.CreditCard, "630427373398")]
    [InlineData("The bus drops you off at ul. Chrzanowska 61 today", PhiTypes.Address, "ul. Chrzanowska 61")]
    [InlineData("Send it to P.O. Box 104 instead", PhiTypes.Address, "P.O. Box 104")]
    [InlineData("ZIP: 394 13", PhiTypes.ZipCode, "394 13")]
    [InlineData("My driver's license number is F162823540116", PhiTypes.Identifier, "F162823540116")]
    [InlineData("keep getting address 6e40:4041:c617:e898:c11:40d2:c669:2eb4 blocked", PhiTypes.IpAddress, "6e40:4041:c617:e898:c11:40d2:c669:2eb4")]
    [InlineData("Desk: 5403926876 until noon", PhiTypes.Phone, "5403926876")]
    [InlineData("my iban is gb42nawi04454264788619", PhiTypes.Iban, "gb42nawi04454264788619")]
    [InlineData("Don't go to town, Mark!", PhiTypes.Person, "Mark")]
    [InlineData("Hi Victor, the IBAN bounced again", PhiTypes.Person, "Victor")]
    [InlineData("Heather: I'm the nurse on call.", PhiTypes.Person, "Heather")]
    [InlineData("My zip code is 2200", PhiTypes.ZipCode, "2200")]
    [InlineData("She moved to ARENDAL 4844 last year", PhiTypes.ZipCode, "4844")]
    public void Each_kind_of_identifier_is_found_with_its_exact_span(string text, string type, string found)
    {
        var span = Assert.Single(new PhiDetector().Scan(text), s => s.Type == type);
        Assert.Equal(found, span.Text);
        Assert.Equal(found, text[span.Start..span.End]);
    }

    [Theory]
    [InlineData("The study meeting is on Monday at the site.")]
    [InlineData("She is 45 years old and doing well.")]
    [InlineData("Please upload the protocol to the ICU folder.")]
    [InlineData("Take 500 mg twice a day.")]
    [InlineData("Will you send the Roche and Pfizer protocols to Florence?")]
    [InlineData("Grace period for the consent forms ends soon.")]
    [InlineData("Mark the adverse events in the CRF, then post 30 minutes later.")]
    [InlineData("However, the Phase II data from London look fine.")]
    [InlineData("I'm sure we'll meet the deadline, don't worry.")]
    [InlineData("Note: the English and German sites report on Tuesday.")]
    [InlineData("Hi all, dear Team, thanks Basel for the samples.")]
    public void Ordinary_text_is_not_flagged(string text) => Assert.Empty(new PhiDetector().Scan(text));

    [Fact]
    public void Offsets_are_UTF16_positions_in_the_original_line()
    {
        var text = "Über 👍 — call Šárka Ottová at 555-123-4567";
        foreach (var span in new PhiDetector().Scan(text))
        {
            Assert.Equal(span.Text, text[span.Start..span.End]);
        }

        Assert.Contains(new PhiDetector().Scan(text), s => s.Text == "Šárka Ottová");
    }

    [Fact]
    public void A_name_found_once_is_found_wherever_else_it_is_mentioned()
    {
        var text = "the verses from Faina D. Yefremova's Cautionary Tales. Is there a better example than early Yefremova?";

        var names = new PhiDetector().Scan(text).Where(s => s.Type == PhiTypes.Person).Select(s => s.Text);

        Assert.Equal(["Faina D. Yefremova", "Yefremova"], names);
    }

    [Fact]
    public void Names_listed_with_a_known_name_are_names_too()
    {
        // Balanced: a thorough guard also takes the unknown company "Verdafero" for a name.
        var text = "Verdafero is the brainchild of our 3 founders: Eklund, Michael and Hodge.";

        var names = new PhiDetector(sensitivity: PhiSensitivity.Balanced).Scan(text).Where(s => s.Type == PhiTypes.Person).Select(s => s.Text);

        Assert.Equal(["Eklund", "Michael", "Hodge"], names);
    }

    [Fact]
    public void Thorough_sensitivity_takes_any_unknown_proper_noun_for_a_name_but_not_drugs_products_or_listed_places()
    {
        const string Unknown = "Shovda is very reliable.";
        const string Pharma = "Keytruda data from the Basel site look good; Sertraline is next.";
        var thorough = new PhiDetector(sensitivity: PhiSensitivity.Thorough, drugs: DrugLexicon.Default(["Keytruda"]));

        Assert.Empty(new PhiDetector(sensitivity: PhiSensitivity.Balanced).Scan(Unknown));
        Assert.Equal("Shovda", Assert.Single(thorough.Scan(Unknown)).Text);
        Assert.Empty(thorough.Scan(Pharma));
    }

    /// <summary>
    /// Realistic chat lines built from the shared Synthea patients (names with their digits removed, birth dates, MRNs,
    /// phone numbers, addresses), with those patients known to the guard as they are on the server.
    /// </summary>
    [Fact]
    public void Chat_about_known_patients_is_caught_almost_always()
    {
        var patients = File.ReadLines(RepositoryPaths.SharedData("fhir", "synthea-10-patients", "Patient.ndjson"))
            .Select(line => JsonDocument.Parse(line).RootElement).ToList();
        static string Clean(string name) => new([.. name.Where(c => !char.IsDigit(c))]);
        var known = new List<string>();
        var identifiers = new List<string>();
        var lines = new List<(string Text, string[] Expected)>();
        foreach (var p in patients)
        {
            var name = p.GetProperty("name")[0];
            var given = Clean(name.GetProperty("given")[0].GetString()!);
            var family = Clean(name.GetProperty("family").GetString()!);
            var mrn = p.GetProperty("identifier").EnumerateArray()
                .First(i => i.TryGetProperty("type", out var t) && t.GetProperty("coding")[0].GetProperty("code").GetString() == "MR").GetProperty("value").GetString()!;
            var phone = p.GetProperty("telecom")[0].GetProperty("value").GetString()!;
            var birth = DateTime.Parse(p.GetProperty("birthDate").GetString()!, System.Globalization.CultureInfo.InvariantCulture).ToString("MM/dd/yyyy", System.Globalization.CultureInfo.InvariantCulture);
            var street = p.GetProperty("address")[0].GetProperty("line")[0].GetString()!;
            known.Add($"{given} {family}");
            identifiers.Add(mrn);
            lines.Add(($"can someone check on {given} {family} (DOB {birth}) before the trial visit?", [$"{given} {family}", birth]));
            lines.Add(($"pt {family} called from {phone} about the dose change", [family, phone]));
            lines.Add(($"Record {mrn} needs the new consent form", [mrn]));
            lines.Add(($"{given}'s address on file is {street}", [given, street]));
        }

        var detector = new PhiDetector(known, identifiers);
        int expected = 0, found = 0;
        foreach (var (text, wanted) in lines)
        {
            var spans = detector.Scan(text);
            foreach (var item in wanted)
            {
                expected++;
                var start = text.IndexOf(item, StringComparison.Ordinal);
                if (spans.Any(s => s.Start < start + item.Length && start < s.End))
                {
                    found++;
                }
            }
        }

        Assert.True(found / (double)expected >= 0.95, $"recall {found}/{expected}");
    }
}
