using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace Vigil.Safety.Lexicons;

/// <summary>
/// Drug names: the DrugBank open vocabulary (CC0; common names and synonyms), shipped compressed inside this
/// assembly, plus the organisation's own product names. Built by <see cref="NamesFromDrugBankCsv"/>, which a test
/// checks against the shared CSV so the shipped list is reproducible.
/// </summary>
public sealed partial class DrugLexicon : PhraseLexicon
{
    public const string ResourceName = "Vigil.Safety.Lexicons.drugbank-names.txt.gz";

    // Everyday words that are also DrugBank entries; as drugs they would flag every mention of a glass of water.
    private static readonly HashSet<string> Everyday = new(StringComparer.Ordinal)
    {
        "water", "oxygen", "sugar", "salt", "nitrogen", "carbon", "gold", "silver", "honey", "protein",
    };

    public DrugLexicon(IEnumerable<string> names)
        : base(names)
    {
    }

    /// <summary>The shipped DrugBank names and any <paramref name="products"/> (brand names, codes of the organisation).</summary>
    public static DrugLexicon Default(IEnumerable<string>? products = null) => new(ShippedNames().Concat(products ?? []));

    public static IEnumerable<string> ShippedNames()
    {
        using var stream = typeof(DrugLexicon).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"{ResourceName} is missing from the assembly.");
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        var names = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                names.Add(line);
            }
        }

        return names;
    }

    /// <summary>Names worth matching from a DrugBank open-vocabulary CSV: common names and synonyms, 4–40 characters, at most four words.</summary>
    public static SortedSet<string> NamesFromDrugBankCsv(TextReader csv)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var names = new SortedSet<string>(StringComparer.Ordinal);
        var header = ParseCsvLine(csv.ReadLine() ?? "");
        int common = header.IndexOf("Common name"), synonyms = header.IndexOf("Synonyms");
        while (csv.ReadLine() is { } line)
        {
            var fields = ParseCsvLine(line);
            if (fields.Count <= Math.Max(common, synonyms))
            {
                continue;
            }

            foreach (var candidate in fields[synonyms].Split('|').Prepend(fields[common]))
            {
                var name = candidate.Trim().ToLowerInvariant();
                if (name.Length is >= 4 and <= 40 && NamePattern().IsMatch(name) && name.Split(' ').Length <= 4
                    && !DigitsOnly().IsMatch(name) && !Everyday.Contains(name))
                {
                    names.Add(name);
                }
            }
        }

        return names;
    }

    private static List<string> ParseCsvLine(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return fields;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9 \\-']*[a-z0-9]$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[0-9\\- ]+$")]
    private static partial Regex DigitsOnly();
}
