namespace Vigil.Safety.Lexicons;

/// <summary>Adverse-event terms in lay and clinical language (our own list; MedDRA is licensed and a customer supplies it).</summary>
public sealed class EventLexicon : PhraseLexicon
{
    public const string ResourceName = "Vigil.Safety.Lexicons.event-terms.txt";

    public EventLexicon(IEnumerable<string> terms)
        : base(terms)
    {
    }

    public static EventLexicon Default(IEnumerable<string>? extra = null)
    {
        using var stream = typeof(EventLexicon).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"{ResourceName} is missing from the assembly.");
        using var reader = new StreamReader(stream);
        var terms = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                terms.Add(line);
            }
        }

        return new EventLexicon(terms.Concat(extra ?? []));
    }
}
