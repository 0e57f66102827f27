using Vigil.Safety.Detection;
using Vigil.Safety.Lexicons;
using Vigil.Safety.Training;

namespace Vigil.Safety.Tests;

public sealed class DetectorTests
{
    private static readonly AeDetector Detector = new(AeModel.Default(), new AeFeatures(DrugLexicon.Default(), EventLexicon.Default()));

    [Theory]
    [InlineData("Since I started sertraline I have terrible headaches and nausea.")]
    [InlineData("The lisinopril made me dizzy and I fainted twice.")]
    [InlineData("After two weeks on this med I gained weight and can't sleep at night.")]
    [InlineData("Stopping paroxetine gave me brain zaps for a week.")]
    public void Reported_adverse_events_are_detected(string message)
    {
        var finding = Detector.Analyze(message);
        Assert.True(finding.IsAdverseEvent, $"{finding.Score:0.000}: {message}");
        Assert.True(finding.ReportsEvent);
    }

    [Theory]
    [InlineData("See you at the study meeting tomorrow at 10.")]
    [InlineData("Please upload the signed protocol amendment to the shared folder.")]
    [InlineData("If I get a rash should I stop the tablets?")]
    public void Ordinary_messages_and_hypothetical_events_are_not_flagged(string message)
    {
        var finding = Detector.Analyze(message);
        Assert.False(finding.IsAdverseEvent, $"{finding.Score:0.000}: {message}");
    }

    [Theory]
    [InlineData("No nausea at all since the switch.", "nausea", Assertion.Negated)]
    [InlineData("I haven't had any headaches this week.", "headaches", Assertion.Negated)]
    [InlineData("No dizziness, but the insomnia is awful.", "insomnia", Assertion.Present)]
    [InlineData("Could metformin cause diarrhea?", "diarrhea", Assertion.Hypothetical)]
    [InlineData("I'm worried I might get tremors.", "tremors", Assertion.Hypothetical)]
    [InlineData("The nausea started on day two.", "nausea", Assertion.Present)]
    public void Event_mentions_are_read_in_their_context(string message, string term, Assertion expected)
    {
        var finding = Detector.Analyze(message);
        Assert.Equal(expected, finding.Events.Single(e => e.Text.Equals(term, StringComparison.OrdinalIgnoreCase)).Assertion);
    }

    [Fact]
    public void A_model_trained_and_saved_scores_the_same_after_loading()
    {
        var features = new AeFeatures(DrugLexicon.Default(), EventLexicon.Default());
        var examples = new[]
        {
            ("I got a horrible rash from the pills", true), ("the headaches started with the new dose", true), ("nausea every morning since I began", true),
            ("meeting moved to Thursday", false), ("thanks for the update", false), ("the report is attached", false),
        }.SelectMany(e => Enumerable.Repeat(e, 5)).Select(e => features.Extract(e.Item1, e.Item2).Example).ToList();
        var model = AeModel.Train(examples);
        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        var loaded = AeModel.Load(stream);
        var probe = features.Extract("the rash is back").Example;
        Assert.Equal(model.Score(probe), loaded.Score(probe), 5);
    }

    [Fact]
    public void Training_files_with_a_bad_line_are_refused_with_its_number()
    {
        using var reader = new StringReader("1\tI felt dizzy\n0\tall good\nyes\tthis line is wrong\n");
        var error = Assert.Throws<FormatException>(() => LabelledText.ReadTsv(reader));
        Assert.StartsWith("line 3:", error.Message, StringComparison.Ordinal);
    }
}
