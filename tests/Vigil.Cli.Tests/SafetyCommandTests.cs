using System.Globalization;

namespace Vigil.Cli.Tests;

public sealed class SafetyCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vigil-cli-safety-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Classify_writes_a_score_and_a_decision_per_input_line()
    {
        var (code, output, error) = await CliRunner.RunWithInputAsync(
            "Since I started sertraline I have terrible headaches and nausea.\nCan we move the call to 3pm?\n",
            "safety", "classify");

        Assert.Equal(0, code);
        Assert.Equal("", error);
        var lines = output.Trim().Split('\n').Select(l => l.Split('\t')).ToList();
        Assert.Equal(2, lines.Count);
        Assert.True(double.Parse(lines[0][0], CultureInfo.InvariantCulture) > 0.5);
        Assert.Equal(["1", "0"], lines.Select(l => l[1]));
    }

    [Fact]
    public async Task Train_writes_a_model_that_classify_then_uses()
    {
        var input = Path.Combine(_folder, "corpus.tsv");
        var lines = Enumerable.Range(0, 10).SelectMany(i => new[]
        {
            $"1\tthe tablets gave me a rash number {i}",
            $"1\tsevere headaches since the new dose {i}",
            $"0\tthe visit is booked for room {i}",
            $"0\tplease send the protocol draft {i}",
        });
        await File.WriteAllLinesAsync(input, lines);
        var model = Path.Combine(_folder, "model.zip");

        var trained = await CliRunner.RunAsync("safety", "train", "--input", input, "--out", model);
        Assert.Equal(0, trained.Code);
        Assert.Contains("Trained on 40 sentences (20 adverse events)", trained.Output, StringComparison.Ordinal);

        var (code, output, _) = await CliRunner.RunWithInputAsync("a rash again\nthe protocol draft\n", "safety", "classify", "--model", model, "--threshold", "0.5");
        Assert.Equal(0, code);
        Assert.Equal(["1", "0"], output.Trim().Split('\n').Select(l => l.Split('\t')[1]));
    }

    [Fact]
    public async Task Bad_training_input_and_missing_models_are_one_line_errors()
    {
        var input = Path.Combine(_folder, "bad.tsv");
        await File.WriteAllTextAsync(input, "1\tfine\nmaybe\tnot a label\n");
        var bad = await CliRunner.RunAsync("safety", "train", "--input", input, "--out", Path.Combine(_folder, "m.zip"));
        Assert.Equal(1, bad.Code);
        Assert.Equal($"vigil: {input}: line 2: expected 'label<TAB>text' with label 1 (adverse event) or 0", bad.Error.Trim());

        var missing = await CliRunner.RunWithInputAsync("x\n", "safety", "classify", "--model", Path.Combine(_folder, "none.zip"));
        Assert.Equal(1, missing.Code);
        Assert.StartsWith("vigil: no model at", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Phi_scan_writes_a_JSON_array_of_spans_per_line()
    {
        var (code, output, error) = await CliRunner.RunWithInputAsync("Call Anna Schmidt on +49 30 1234567\nnothing here\n", "phi", "scan");
        Assert.Equal(0, code);
        Assert.Equal("", error);
        var lines = output.Trim().Split('\n');
        Assert.Equal("""[{"start":5,"end":17,"type":"person","text":"Anna Schmidt"},{"start":21,"end":35,"type":"phone","text":"+49 30 1234567"}]""", lines[0]);
        Assert.Equal("[]", lines[1]);
    }
}
