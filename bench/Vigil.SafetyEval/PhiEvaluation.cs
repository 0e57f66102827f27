using System.Globalization;
using System.Text.Json;
using Vigil.Safety.Phi;

namespace Vigil.SafetyEval;

/// <summary>
/// Precision and recall of the PHI guard on presidio-research's labelled synthetic sentences (MIT), for the entity
/// types that are HIPAA identifiers: a found span counts when it overlaps a labelled one; recall is per labelled span.
/// </summary>
internal static class PhiEvaluation
{
    private static readonly HashSet<string> Identifiers = new(StringComparer.Ordinal)
    {
        "PERSON", "STREET_ADDRESS", "PHONE_NUMBER", "EMAIL_ADDRESS", "CREDIT_CARD", "US_SSN", "DATE_TIME", "ZIP_CODE", "IP_ADDRESS",
        "IBAN_CODE", "US_DRIVER_LICENSE",
    };

    /// <param name="printMissesOf">An entity type whose missed spans are printed to standard error, with their sentence.</param>
    public static void Run(string presidioJson, string? printMissesOf = null)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(presidioJson));
        var detector = new PhiDetector();
        int found = 0, foundCorrect = 0;
        var byType = new SortedDictionary<string, (int Gold, int Hit)>(StringComparer.Ordinal);
        // The name lists share a source with the generator of these sentences (faker): names with no listed word show
        // what the context rules do on their own.
        var gazetteer = NameGazetteer.Default;
        int unlisted = 0, unlistedHit = 0;
        foreach (var sample in document.RootElement.EnumerateArray())
        {
            var text = sample.GetProperty("full_text").GetString()!;
            var gold = sample.GetProperty("spans").EnumerateArray()
                .Select(s => (Type: s.GetProperty("entity_type").GetString()!, Start: s.GetProperty("start_position").GetInt32(), End: s.GetProperty("end_position").GetInt32()))
                .ToList();
            var predicted = detector.Scan(text);
            found += predicted.Count;
            // A found span is right when it overlaps any labelled span (an organisation or city named as a person is a miss).
            foundCorrect += predicted.Count(p => gold.Any(g => Identifiers.Contains(g.Type) && p.Start < g.End && g.Start < p.End));
            // A year on its own, or a weekday, is not a HIPAA identifier (Safe Harbor keeps years): not counted as missed.
            foreach (var span in gold.Where(g => Identifiers.Contains(g.Type)
                && !(g.Type == "DATE_TIME" && System.Text.RegularExpressions.Regex.IsMatch(text[g.Start..g.End], @"^(\d{4}|[A-Z][a-z]+day)$"))))
            {
                var hit = predicted.Any(p => p.Start < span.End && span.Start < p.End);
                if (!hit && printMissesOf == span.Type)
                {
                    Console.Error.WriteLine($"MISS {span.Type}: [{text[span.Start..span.End]}] in: {text.ReplaceLineEndings(" ")}");
                }
                if (span.Type == "PERSON" && !System.Text.RegularExpressions.Regex.Split(text[span.Start..span.End], @"[^\p{L}]+")
                    .Any(w => w.Length > 1 && (gazetteer.IsName(w) || gazetteer.IsAmbiguousName(w))))
                {
                    unlisted++;
                    unlistedHit += hit ? 1 : 0;
                }

                var (g0, h0) = byType.GetValueOrDefault(span.Type);
                byType[span.Type] = (g0 + 1, h0 + (hit ? 1 : 0));
            }
        }

        // Throughput on one thread, after a warm-up pass (the word lists load on first use).
        var texts = document.RootElement.EnumerateArray().Select(e => e.GetProperty("full_text").GetString()!).ToList();
        texts.ForEach(t => detector.Scan(t));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var round = 0; round < 10; round++)
        {
            texts.ForEach(t => detector.Scan(t));
        }

        var perSecond = texts.Count * 10 / clock.Elapsed.TotalSeconds;
        var goldTotal = byType.Values.Sum(v => v.Gold);
        var hitTotal = byType.Values.Sum(v => v.Hit);
        Console.WriteLine();
        Console.WriteLine("| presidio-synth (1,500 sentences) | labelled spans | recall |");
        Console.WriteLine("| --- | ---: | ---: |");
        foreach (var (type, (goldCount, hits)) in byType)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {type} | {goldCount:N0} | {hits / (double)goldCount:0.000} |"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| PERSON, no word of it in the name lists | {unlisted:N0} | {unlistedHit / (double)Math.Max(1, unlisted):0.000} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| **all identifier types** | {goldTotal:N0} | **{hitTotal / (double)goldTotal:0.000}** (precision {foundCorrect / (double)Math.Max(1, found):0.000}) |"));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"PHI guard throughput on one thread: {perSecond:N0} messages/s (mean {texts.Average(t => t.Length):N0} characters)."));
    }
}
