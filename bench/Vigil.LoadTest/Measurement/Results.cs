using System.Globalization;
using System.Text;

namespace Vigil.LoadTest.Measurement;

/// <summary>
/// The run's one table: a row per measure, a column per server, in the order they were first reported. Values
/// are kept as numbers where a ratio against another column is wanted.
/// </summary>
internal sealed class Results
{
    private readonly List<string> _rows = [];
    private readonly List<string> _targets = [];
    private readonly Dictionary<(string Row, string Target), string> _cells = [];
    private readonly Dictionary<(string Row, string Target), double> _numbers = [];

    public List<string> Failures { get; } = [];

    public void Add(string row, string target, string text, double? number = null)
    {
        if (!_rows.Contains(row))
        {
            _rows.Add(row);
        }

        if (!_targets.Contains(target))
        {
            _targets.Add(target);
        }

        _cells[(row, target)] = text;
        if (number is { } value)
        {
            _numbers[(row, target)] = value;
        }

        Console.Error.WriteLine($"  {target} | {row}: {text}");
    }

    public string RowStartingWith(string prefix) => _rows.FirstOrDefault(r => r.StartsWith(prefix, StringComparison.Ordinal)) ?? prefix;

    public double? Number(string row, string target) => _numbers.TryGetValue((row, target), out var value) ? value : null;

    public void Fail(string target, string what)
    {
        Failures.Add($"{target}: {what}");
        Console.Error.WriteLine($"  FAILED {target}: {what}");
    }

    /// <summary>Adds "row (as % of reference)" cells for every target that has a number in <paramref name="row"/>.</summary>
    public void AddRatios(string row, string reference, string ratioRow)
    {
        if (Number(row, reference) is not { } baseline || baseline <= 0)
        {
            return;
        }

        foreach (var target in _targets.Where(t => Number(row, t) is not null).ToList())
        {
            Add(ratioRow, target, string.Create(CultureInfo.InvariantCulture, $"{Number(row, target)!.Value / baseline * 100:0}%"));
        }
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append("| measure | ").AppendJoin(" | ", _targets).AppendLine(" |");
        text.Append("|---|").AppendJoin("", _targets.Select(_ => "---:|")).AppendLine();
        foreach (var row in _rows)
        {
            text.Append("| ").Append(row).Append(" | ")
                .AppendJoin(" | ", _targets.Select(t => _cells.TryGetValue((row, t), out var cell) ? cell : "—"))
                .AppendLine(" |");
        }

        return text.ToString();
    }
}
