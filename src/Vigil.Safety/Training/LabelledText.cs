using System.Globalization;

namespace Vigil.Safety.Training;

/// <summary>A training sentence: 1 = reports an adverse event.</summary>
public sealed record LabelledText(bool IsAdverseEvent, string Text)
{
    /// <summary>
    /// Reads <c>label&lt;TAB&gt;text</c> lines (label 1 or 0). A bad line is an error naming its number, so an
    /// organisation training on its own corpus learns what to fix.
    /// </summary>
    public static List<LabelledText> ReadTsv(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var examples = new List<LabelledText>();
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            var label = tab < 0 ? "" : line[..tab];
            if (label is not ("0" or "1") || line.Length == tab + 1)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                    $"line {number}: expected 'label<TAB>text' with label 1 (adverse event) or 0"));
            }

            examples.Add(new LabelledText(label == "1", line[(tab + 1)..]));
        }

        return examples;
    }
}
