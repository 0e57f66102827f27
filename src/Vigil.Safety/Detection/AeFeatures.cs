using Microsoft.ML.Data;
using Vigil.Safety.Lexicons;

namespace Vigil.Safety.Detection;

/// <summary>One example for the model: the text and what the lexicons saw in it.</summary>
public sealed class AeExample
{
    public bool Label { get; set; }

    public string Text { get; set; } = "";

    public float Drugs { get; set; }

    public float Events { get; set; }

    public float Present { get; set; }

    public float Negated { get; set; }

    public float Hypothetical { get; set; }
}

public sealed class AePrediction
{
    [ColumnName("Probability")]
    public float Probability { get; set; }
}

/// <summary>Lexicon mentions of a text, and the example the model scores.</summary>
public sealed class AeFeatures(DrugLexicon drugs, EventLexicon events)
{
    public (List<Mention> Drugs, List<Mention> Events, AeExample Example) Extract(string text, bool label = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = TextToken.Split(text);
        var drugMentions = drugs.Find(tokens).Select(m => new Mention(text[m.Start..m.End], m.Start, m.End)).ToList();
        var eventMentions = events.Find(tokens)
            .Select(m => new Mention(text[m.Start..m.End], m.Start, m.End, AssertionRules.Of(text, tokens, m))).ToList();
        var example = new AeExample
        {
            Label = label,
            Text = text,
            Drugs = Math.Min(drugMentions.Count, 3),
            Events = Math.Min(eventMentions.Count, 3),
            Present = Math.Min(eventMentions.Count(e => e.Assertion == Assertion.Present), 3),
            Negated = Math.Min(eventMentions.Count(e => e.Assertion == Assertion.Negated), 3),
            Hypothetical = Math.Min(eventMentions.Count(e => e.Assertion == Assertion.Hypothetical), 3),
        };
        return (drugMentions, eventMentions, example);
    }
}
