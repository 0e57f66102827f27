using Vigil.Safety.Lexicons;

namespace Vigil.Safety.Detection;

/// <summary>Whether a mentioned event happened, according to the words around it.</summary>
public enum Assertion
{
    /// <summary>Reported as happening or having happened.</summary>
    Present,

    /// <summary>Denied: "no nausea", "without any side effects", "I haven't had headaches".</summary>
    Negated,

    /// <summary>Possible or feared, not reported: "if I get a rash", "could it cause insomnia?".</summary>
    Hypothetical,
}

/// <summary>
/// A NegEx-style reading of the few words before an event mention: a trigger in the same clause makes it negated or
/// hypothetical; "but", "however" and punctuation end the clause; a question about an event is hypothetical.
/// </summary>
public static class AssertionRules
{
    private const int Window = 6;

    private static readonly HashSet<string> Negations = new(StringComparer.Ordinal)
    {
        "no", "not", "never", "without", "denies", "denied", "deny", "none", "nothing", "free", "didn't", "don't", "doesn't",
        "haven't", "hasn't", "hadn't", "wasn't", "weren't", "isn't", "aren't", "won't", "neither", "nor", "zero", "resolved", "absence",
    };

    private static readonly HashSet<string> Hypotheticals = new(StringComparer.Ordinal)
    {
        "if", "whether", "might", "may", "could", "would", "should", "worried", "worry", "afraid", "fear", "risk", "unless",
        "possible", "possibly", "can", "warned", "warning", "prevent", "avoid", "case", "chance",
    };

    private static readonly HashSet<string> ClauseEnds = new(StringComparer.Ordinal)
    {
        "but", "however", "although", "though", "except", "yet", "still", "now", "until", "since", "because",
    };

    public static Assertion Of(string text, IReadOnlyList<TextToken> tokens, PhraseMatch mention)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(mention);
        for (var i = mention.FirstToken - 1; i >= Math.Max(0, mention.FirstToken - Window); i--)
        {
            if (EndsClause(text, tokens, i) || ClauseEnds.Contains(tokens[i].Text))
            {
                break;
            }

            if (Negations.Contains(tokens[i].Text))
            {
                return Assertion.Negated;
            }

            if (Hypotheticals.Contains(tokens[i].Text))
            {
                return Assertion.Hypothetical;
            }
        }

        // "Could it cause insomnia?": a question about an event is not a report of it.
        var sentenceEnd = text.IndexOfAny(['.', '!', '?', '\n'], mention.End);
        if (sentenceEnd >= 0 && text[sentenceEnd] == '?')
        {
            return Assertion.Hypothetical;
        }

        return Assertion.Present;
    }

    /// <summary>True when punctuation that ends a clause lies between token <paramref name="i"/> and the next one.</summary>
    private static bool EndsClause(string text, IReadOnlyList<TextToken> tokens, int i)
    {
        if (i + 1 >= tokens.Count)
        {
            return false;
        }

        var between = text.AsSpan(tokens[i].End, tokens[i + 1].Start - tokens[i].End);
        return between.IndexOfAny(".;:!?\n") >= 0;
    }
}
