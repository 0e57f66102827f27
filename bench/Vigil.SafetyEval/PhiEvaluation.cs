using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Vigil.Safety.Phi;

namespace Vigil.SafetyEval;

/// <summary>
/// Precision and recall of the PHI guard on presidio-research's labelled synthetic sentences (MIT), for the entity
/// types that are HIPAA identifiers, at each sensitivity: a found span counts when it overlaps a labelled one; recall
/// is per labelled span. Prints one table with a column per sensitivity, and the throughput of each.
/// </summary>
internal static partial class PhiEvaluation
{
    private static readonly HashSet<string> Identifiers = new(StringComparer.Ordinal)
    {
        "PERSON", "STREET_ADDRESS", "PHONE_NUMBER", "EMAIL_ADDRESS", "CREDIT_CARD", "US_SSN", "DATE_TIME", "ZIP_CODE", "IP_ADDRESS",
        "IBAN_CODE", "US_DRIVER_LICENSE",
    };

    // The name lists share a source with the generator of these sentences (faker): names with no listed word show
    // what the context rules do on their own.
    private const string UnlistedPerson = "PERSON, no word of it in the name lists";

    /// <summary>Given as the entity type to print, prints the spans found where nothing is labelled instead.</summary>
    public const string FalsePositives = "false-positives";

    private sealed record Sample(string Text, List<(string Type, int Start, int End)> Gold);

    private sealed record Outcome(SortedDictionary<string, (int Gold, int Hit)> ByType, int Found, int FoundCorrect, double PerSecond);

    /// <param name="printMissesOf">An entity type whose missed spans are printed to standard error, per sensitivity.</param>
    public static void Run(string presidioJson, string? printMissesOf = null)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(presidioJson));
        var samples = document.RootElement.EnumerateArray().Select(e => new Sample(
            e.GetProperty("full_text").GetString()!,
            [.. e.GetProperty("spans").EnumerateArray()
                .Select(s => (s.GetProperty("entity_type").GetString()!, s.GetProperty("start_position").GetInt32(), s.GetProperty("end_position").GetInt32()))
                // A year on its own, or a weekday, is not a HIPAA identifier (Safe Harbor keeps years): not counted as missed.
                .Where(g => Identifiers.Contains(g.Item1) && !(g.Item1 == "DATE_TIME" && YearOrWeekday().IsMatch(e.GetProperty("full_text").GetString()![g.Item2..g.Item3])))])).ToList();
        var sensitivities = Enum.GetValues<PhiSensitivity>();
        var outcomes = sensitivities.Select(s => Evaluate(samples, new PhiDetector(sensitivity: s), s, printMissesOf)).ToList();

        Console.WriteLine();
        Console.WriteLine($"| presidio-synth ({samples.Count:N0} sentences) | labelled spans | {string.Join(" | ", sensitivities.Select(s => $"recall, {s.ToString().ToLowerInvariant()}"))} |");
        Console.WriteLine($"| --- | ---: |{string.Concat(sensitivities.Select(_ => " ---: |"))}");
        foreach (var type in outcomes[0].ByType.Keys)
        {
            var cells = outcomes.Select(o => (o.ByType[type].Hit / (double)Math.Max(1, o.ByType[type].Gold)).ToString("0.000", CultureInfo.InvariantCulture));
            Console.WriteLine($"| {type} | {outcomes[0].ByType[type].Gold:N0} | {string.Join(" | ", cells)} |");
        }

        var gold = outcomes[0].ByType.Where(t => t.Key != UnlistedPerson).Sum(t => t.Value.Gold);
        var totals = outcomes.Select(o => string.Create(CultureInfo.InvariantCulture,
            $"**{o.ByType.Where(t => t.Key != UnlistedPerson).Sum(t => t.Value.Hit) / (double)gold:0.000}** (precision {o.FoundCorrect / (double)Math.Max(1, o.Found):0.000})"));
        Console.WriteLine($"| **all identifier types** | {gold:N0} | {string.Join(" | ", totals)} |");
        Console.WriteLine();
        foreach (var (sensitivity, outcome) in sensitivities.Zip(outcomes))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"PHI guard throughput on one thread, {sensitivity.ToString().ToLowerInvariant()}: {outcome.PerSecond:N0} messages/s (mean {samples.Average(s => s.Text.Length):N0} characters)."));
        }
    }

    private static Outcome Evaluate(List<Sample> samples, PhiDetector detector, PhiSensitivity sensitivity, string? printMissesOf)
    {
        var gazetteer = NameGazetteer.Default;
        int found = 0, foundCorrect = 0;
        var byType = new SortedDictionary<string, (int Gold, int Hit)>(StringComparer.Ordinal);
        void Count(string type, bool hit)
        {
            var (gold, hits) = byType.GetValueOrDefault(type);
            byType[type] = (gold + 1, hits + (hit ? 1 : 0));
        }

        foreach (var (text, gold) in samples)
        {
            var predicted = detector.Scan(text);
            found += predicted.Count;
            // A found span is right when it overlaps a labelled identifier (an organisation or city named as a person is not).
            foundCorrect += predicted.Count(p => gold.Any(g => p.Start < g.End && g.Start < p.End));
            if (printMissesOf == FalsePositives)
            {
                foreach (var wrong in predicted.Where(p => !gold.Any(g => p.Start < g.End && g.Start < p.End)))
                {
                    Console.Error.WriteLine($"WRONG {sensitivity} {wrong.Type}: [{wrong.Text}] in: {text.ReplaceLineEndings(" ")}");
                }
            }

            foreach (var span in gold)
            {
                var hit = predicted.Any(p => p.Start < span.End && span.Start < p.End);
                Count(span.Type, hit);
                if (span.Type == "PERSON" && !Words().Split(text[span.Start..span.End]).Any(w => w.Length > 1 && (gazetteer.IsName(w) || gazetteer.IsAmbiguousName(w))))
                {
                    Count(UnlistedPerson, hit);
                }

                if (!hit && printMissesOf == span.Type)
                {
                    Console.Error.WriteLine($"MISS {sensitivity} {span.Type}: [{text[span.Start..span.End]}] in: {text.ReplaceLineEndings(" ")}");
                }
            }
        }

        // Throughput on one thread, after warm-up rounds that let the JIT settle on optimised code.
        const int WarmUp = 10, Measured = 20;
        var clock = new System.Diagnostics.Stopwatch();
        for (var round = 0; round < WarmUp + Measured; round++)
        {
            if (round == WarmUp)
            {
                clock.Start();
            }

            samples.ForEach(s => detector.Scan(s.Text));
        }

        return new Outcome(byType, found, foundCorrect, samples.Count * Measured / clock.Elapsed.TotalSeconds);
    }

    [GeneratedRegex(@"^(\d{4}|[A-Z][a-z]+day)$")]
    private static partial Regex YearOrWeekday();

    [GeneratedRegex(@"[^\p{L}]+")]
    private static partial Regex Words();
}
