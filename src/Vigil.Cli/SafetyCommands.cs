using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Vigil.Safety.Detection;
using Vigil.Safety.Lexicons;
using Vigil.Safety.Training;

namespace Vigil.Cli;

/// <summary><c>vigil safety train | classify</c>: the adverse-event detector on the command line.</summary>
internal static class SafetyCommands
{
    public static Command Create(IAnsiConsole console, TextReader input, TextWriter output, TextWriter error)
    {
        var source = new Option<string>("--input") { Description = "Tab-separated 'label<TAB>text' lines; label 1 = adverse event", Required = true };
        var target = new Option<string>("--out") { Description = "Where to write the model (.zip)", Required = true };
        var train = new Command("train", "Train the adverse-event model from a labelled file (ML.NET; the lexicon features are added).") { source, target };
        train.SetAction((parse, ct) => VigilCommand.Guarded(error, async () =>
        {
            List<LabelledText> examples;
            try
            {
                using var reader = File.OpenText(parse.GetValue(source)!);
                examples = LabelledText.ReadTsv(reader);
            }
            catch (FormatException exception)
            {
                throw new CliException($"{parse.GetValue(source)}: {exception.Message}");
            }

            if (examples.Count < 10 || examples.All(e => e.IsAdverseEvent) || !examples.Any(e => e.IsAdverseEvent))
            {
                throw new CliException("training needs at least 10 lines with both labels");
            }

            var features = new AeFeatures(DrugLexicon.Default(), EventLexicon.Default());
            AeModel? model = null;
            await console.Status().StartAsync($"Training on {examples.Count:N0} sentences…", _ =>
            {
                model = AeModel.Train(examples.Select(e => features.Extract(e.Text, e.IsAdverseEvent).Example).ToList());
                return Task.CompletedTask;
            }).ConfigureAwait(false);
            await using (var file = File.Create(parse.GetValue(target)!))
            {
                model!.Save(file);
            }

            console.MarkupLineInterpolated($"Trained on {examples.Count:N0} sentences ({examples.Count(e => e.IsAdverseEvent):N0} adverse events); model written to [bold]{parse.GetValue(target)}[/].");
        }));

        var modelPath = new Option<string?>("--model") { Description = "A model from 'vigil safety train' (default: the model shipped with Vigil)" };
        var threshold = new Option<double>("--threshold") { Description = "Decision threshold", DefaultValueFactory = _ => AeDetector.DefaultThreshold };
        var classify = new Command("classify", "Read one text per line on standard input; write 'score<TAB>decision' (1 = adverse event) per line.") { modelPath, threshold };
        classify.SetAction((parse, ct) => VigilCommand.Guarded(error, async () =>
        {
            var cut = parse.GetValue(threshold);
            if (cut is <= 0 or >= 1)
            {
                throw new CliException("--threshold must be between 0 and 1");
            }

            AeModel model;
            if (parse.GetValue(modelPath) is { } path)
            {
                if (!File.Exists(path))
                {
                    throw new CliException($"no model at {path}");
                }

                await using var file = File.OpenRead(path);
                model = AeModel.Load(file);
            }
            else
            {
                model = AeModel.Default();
            }

            var detector = new AeDetector(model, new AeFeatures(DrugLexicon.Default(), EventLexicon.Default()), cut);
            while (await input.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
            {
                var finding = detector.Analyze(line);
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{finding.Score:0.0000}\t{(finding.IsAdverseEvent ? 1 : 0)}")).ConfigureAwait(false);
            }
        }));
        return new Command("safety", "Pharmacovigilance: train and run the adverse-event detector.") { train, classify };
    }

    public static Command Phi(TextReader input, TextWriter output, TextWriter error)
    {
        var scan = new Command("scan",
            "Read one text per line on standard input; write per line a JSON array of the identifying information found: " +
            "{\"start\", \"end\", \"type\", \"text\"} with UTF-16 offsets into that line.");
        var sensitivity = new Option<Vigil.Safety.Phi.PhiSensitivity>("--sensitivity")
        {
            Description = "Thorough (default) also takes every capitalised word that is no English word and no drug for a name; " +
                "Balanced wants a listed name or context (higher precision, lower recall)",
            DefaultValueFactory = _ => Vigil.Safety.Phi.PhiSensitivity.Thorough,
        };
        scan.Options.Add(sensitivity);
        scan.SetAction((parsed, ct) => VigilCommand.Guarded(error, async () =>
        {
            var detector = new Vigil.Safety.Phi.PhiDetector(sensitivity: parsed.GetValue(sensitivity));
            // Readable output ("+49", "ü") for people and tools alike; it is data on standard output, never HTML.
            var json = new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            while (await input.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
            {
                var spans = detector.Scan(line).Select(s => new { start = s.Start, end = s.End, type = s.Type, text = s.Text });
                await output.WriteLineAsync(System.Text.Json.JsonSerializer.Serialize(spans, json)).ConfigureAwait(false);
            }
        }));
        return new Command("phi", "The PHI guard on the command line.") { scan };
    }
}
