using Vigil.Safety.Training;

namespace Vigil.SafetyEval;

/// <summary>A sentence with the document it came from, for splits that never put one document on both sides.</summary>
internal sealed record Sentence(string Document, LabelledText Example);

/// <summary>The shared evaluation corpora, read in place from <c>../shared/data</c> (never copied into the repository).</summary>
internal static class Corpora
{
    /// <summary>
    /// PsyTAR train and dev splits. Label: ADR or WD. Withdrawal symptoms are adverse reactions to stopping the drug and
    /// are reportable, so they count as adverse events. The CSV has no post id: duplicates are merged and folds are
    /// drawn by a hash of the sentence.
    /// </summary>
    public static List<Sentence> PsyTar(string folder)
    {
        var byText = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var file in new[] { "train.csv", "dev.csv" })
        {
            foreach (var line in File.ReadLines(Path.Combine(folder, file)).Skip(1))
            {
                var fields = line.Split('\t');
                if (fields.Length < 3 || string.IsNullOrWhiteSpace(fields[0]))
                {
                    continue;
                }

                var text = fields[0].Trim();
                var label = fields[1] == "1" || fields[2] == "1";
                byText[text] = byText.GetValueOrDefault(text) || label;
            }
        }

        return [.. byText.Select(kv => new Sentence(kv.Key, new LabelledText(kv.Value, kv.Key)))];
    }

    /// <summary>ADE-Corpus-V2: DRUG-AE.rel sentences are positive (one row per drug–effect pair, merged), ADE-NEG.txt negative; documents are PubMed ids.</summary>
    public static List<Sentence> AdeCorpus(string folder)
    {
        var sentences = new Dictionary<string, (string Document, bool Label)>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(folder, "DRUG-AE.rel")))
        {
            var fields = line.Split('|');
            if (fields.Length > 2)
            {
                sentences[fields[1].Trim()] = (fields[0], true);
            }
        }

        foreach (var line in File.ReadLines(Path.Combine(folder, "ADE-NEG.txt")))
        {
            var neg = line.IndexOf(" NEG ", StringComparison.Ordinal);
            if (neg > 0)
            {
                var text = line[(neg + 5)..].Trim();
                sentences.TryAdd(text, (line[..neg], false));
            }
        }

        return [.. sentences.Select(kv => new Sentence(kv.Value.Document, new LabelledText(kv.Value.Label, kv.Key)))];
    }
}
