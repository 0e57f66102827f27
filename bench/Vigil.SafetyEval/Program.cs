using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Vigil.Safety.Detection;
using Vigil.Safety.Lexicons;
using Vigil.Safety.Training;
using Vigil.SafetyEval;

// 5-fold cross-validation of the adverse-event detector on the shared corpora, split by source document, the
// cross-domain figure (train on PsyTAR, test on ADE-Corpus-V2), and single-core throughput. Prints markdown tables.
// --phi-only skips the (slower) adverse-event part; --misses TYPE prints the PHI guard's misses of one entity type
// (--misses false-positives: what it found where nothing is labelled);
// --sentence-split draws folds by sentence, not by source document, as the published ADE-Corpus-V2 experiments did.
var misses = Array.IndexOf(args, "--misses") is >= 0 and var at && at + 1 < args.Length ? args[at + 1] : null;
var shared = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || args[i - 1] != "--misses")).FirstOrDefault()
    ?? Path.Combine("..", "shared", "data");
var presidio = Path.Combine(shared, "pii", "presidio-synth", "synth_dataset_v2.json");
if (args.Contains("--phi-only"))
{
    PhiEvaluation.Run(presidio, misses);
    return;
}

var features = new AeFeatures(DrugLexicon.Default(), EventLexicon.Default());
var psytar = Corpora.PsyTar(Path.Combine(shared, "psytar"));
var ade = Corpora.AdeCorpus(Path.Combine(shared, "ade-corpus-v2"));
double[] thresholds = [0.1, 0.15, 0.2, 0.3, 0.5];

Console.WriteLine("| corpus | sentences (AE) | threshold | precision | recall | F1 |");
Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
foreach (var (name, corpus) in new[] { ("PsyTAR, 5-fold CV", psytar), ("ADE-Corpus-V2, 5-fold CV", ade) })
{
    var scored = CrossValidate(corpus, features, args.Contains("--sentence-split"));
    Report(args.Contains("--sentence-split") ? $"{name}, split by sentence" : name, corpus.Count, corpus.Count(s => s.Example.IsAdverseEvent), scored);
}

var crossModel = Train(psytar.Select(s => s.Example), features);
var cross = ade.Select(s => (s.Example.IsAdverseEvent, Score(crossModel, features, s.Example.Text))).ToList();
Report("train PsyTAR → test ADE-Corpus-V2", ade.Count, ade.Count(s => s.Example.IsAdverseEvent), cross);

// Throughput: the whole detector (tokenise, lexicons, context, model) on one thread.
var detector = new AeDetector(crossModel, features);
var messages = psytar.Select(s => s.Example.Text).Concat(ade.Select(s => s.Example.Text)).Take(20_000).ToList();
foreach (var message in messages.Take(500))
{
    detector.Analyze(message);
}

var clock = Stopwatch.StartNew();
foreach (var message in messages)
{
    detector.Analyze(message);
}

Console.WriteLine();
Console.WriteLine($"Throughput on one thread: {messages.Count / clock.Elapsed.TotalSeconds:N0} messages/s ({messages.Count:N0} sentences, mean {messages.Average(m => m.Length):N0} characters).");

PhiEvaluation.Run(presidio, misses);

void Report(string name, int count, int positives, List<(bool Label, double Score)> scored)
{
    foreach (var threshold in thresholds)
    {
        int tp = scored.Count(s => s.Label && s.Score >= threshold), fp = scored.Count(s => !s.Label && s.Score >= threshold);
        int fn = scored.Count(s => s.Label && s.Score < threshold);
        double precision = tp / (double)Math.Max(1, tp + fp), recall = tp / (double)Math.Max(1, tp + fn);
        var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {count:N0} ({positives:N0}) | {threshold:0.00} | {precision:0.000} | {recall:0.000} | {f1:0.000} |"));
    }
}

static List<(bool Label, double Score)> CrossValidate(List<Sentence> corpus, AeFeatures features, bool bySentence)
{
    var scored = new List<(bool, double)>();
    for (var fold = 0; fold < 5; fold++)
    {
        var held = corpus.Where(s => Fold(bySentence ? s.Example.Text : s.Document) == fold).ToList();
        var model = Train(corpus.Where(s => Fold(bySentence ? s.Example.Text : s.Document) != fold).Select(s => s.Example), features);
        scored.AddRange(held.Select(s => (s.Example.IsAdverseEvent, Score(model, features, s.Example.Text))));
        Console.Error.WriteLine($"fold {fold + 1}/5 done");
    }

    return scored;
}

static double Score(AeModel model, AeFeatures features, string text)
{
    var example = features.Extract(text).Example;
    return AeDetector.Combine(model.Score(example), example);
}

static AeModel Train(IEnumerable<LabelledText> examples, AeFeatures features) =>
    AeModel.Train(examples.Select(e => features.Extract(e.Text, e.IsAdverseEvent).Example).ToList());

static int Fold(string document) => SHA256.HashData(Encoding.UTF8.GetBytes(document))[0] % 5;
