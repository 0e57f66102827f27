namespace Vigil.Safety.Detection;

/// <summary>A drug or event mention, with its UTF-16 span in the message.</summary>
public sealed record Mention(string Text, int Start, int End, Assertion Assertion = Assertion.Present);

/// <summary>What the detector concluded about one message.</summary>
public sealed record AeFinding(double Score, bool IsAdverseEvent, IReadOnlyList<Mention> Drugs, IReadOnlyList<Mention> Events)
{
    public bool MentionsDrug => Drugs.Count > 0;

    public bool ReportsEvent => Events.Any(e => e.Assertion == Assertion.Present);
}
