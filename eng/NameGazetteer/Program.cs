using System.IO.Compression;
using System.Text;
using Bogus;
using Bogus.Bson;

// Builds the PHI guard's word lists in src/Vigil.Safety/Phi/: given names and surnames from every Bogus locale
// (faker.js data, MIT) merged with the hand-written lists beside this file, and the lower-case English words of
// Debian's wamerican list (SCOWL), which tell a capitalised name from a capitalised word. A name that is also an
// English word ("Will", "Grace", "Park"), a country or US state, or a company or city in
// also-not-names.txt ("Roche", "Florence") is written with a leading '~': the guard then wants context before calling
// it a name. Run from the repository root after `apt-get install wamerican`:
//   dotnet run --project eng/NameGazetteer -- /usr/share/dict/american-english
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: NameGazetteer WORD_LIST");
    return 2;
}

var folder = Path.Combine("src", "Vigil.Safety", "Phi");
var english = new SortedSet<string>(File.ReadLines(args[0]).Where(w => w.Length > 0 && char.IsLower(w[0]) && !w.Contains('\'')), StringComparer.Ordinal);
var given = Read(Path.Combine("eng", "NameGazetteer", "given-names.txt"));
var surnames = Read(Path.Combine("eng", "NameGazetteer", "surnames.txt"));
var places = Read(Path.Combine("eng", "NameGazetteer", "also-not-names.txt"));
// Capitalised words of the English list that are no listed name ("English", "Zealand", "Metallica"): proper nouns,
// but not people's; added below, once the name lists are complete.
var capitalisedEnglish = File.ReadLines(args[0]).Where(w => w.Length >= 3 && char.IsUpper(w[0]) && w.All(char.IsLetter)).ToList();
foreach (var locale in Database.GetAllLocales())
{
    if (Database.GetLocale(locale)["address"] is BObject address)
    {
        // Countries of every locale and English-language states; city lists of other locales hold too many given names.
        foreach (var key in (locale == "en" ? new[] { "country", "state" } : ["country"]).Where(address.ContainsKey))
        {
            foreach (BValue value in (BArray)address[key])
            {
                places.UnionWith(value.StringValue.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            }
        }
    }

    if (Database.GetLocale(locale)["name"] is not BObject names)
    {
        continue;
    }

    foreach (var key in names.Keys)
    {
        var target = key.Contains("first_name", StringComparison.Ordinal) ? given
            : key.Contains("last_name", StringComparison.Ordinal) ? surnames : null;
        if (target is null || names[key] is not BArray list)
        {
            continue;
        }

        foreach (BValue value in list)
        {
            // Single words of letters only: "Van der Berg" and "O'Brien" are matched by their parts or by context.
            if (value.StringValue is { Length: >= 3 } name && char.IsUpper(name[0]) && name.All(char.IsLetter))
            {
                target.Add(name);
            }
        }
    }
}

places.UnionWith(capitalisedEnglish.Where(w => !given.Contains(w) && !surnames.Contains(w)));
Write(Path.Combine(folder, "given-names.txt.gz"), given, "Given names");
Write(Path.Combine(folder, "surnames.txt.gz"), surnames, "Surnames");
using (var writer = Create(Path.Combine(folder, "places.txt.gz")))
{
    writer.Write("# Countries of every Bogus locale, US states, the companies and cities of also-not-names.txt, and capitalised wamerican words that are no listed name. eng/NameGazetteer.\n");
    foreach (var place in places.Where(p => p.Length >= 3 && char.IsUpper(p[0])))
    {
        writer.Write($"{place}\n");
    }
}

using (var writer = Create(Path.Combine(folder, "english-words.txt.gz")))
{
    writer.Write("# Lower-case English words: Debian wamerican 2020.12.07 (SCOWL, permissive licence). eng/NameGazetteer.\n");
    foreach (var word in english)
    {
        writer.Write($"{word}\n");
    }
}

return 0;

static StreamWriter Create(string path)
{
    var gzip = new GZipStream(File.Create(path), CompressionLevel.SmallestSize);
    return new StreamWriter(gzip, new UTF8Encoding(false));
}

void Write(string path, SortedSet<string> names, string what)
{
    using var writer = Create(path);
    writer.Write($"# {what}: Bogus locale data (faker.js, MIT) and Vigil's own list; '~' marks words and places. eng/NameGazetteer.\n");
    foreach (var name in names)
    {
        writer.Write(Ambiguous(name) ? $"~{name}\n" : $"{name}\n");
    }

    Console.WriteLine($"{path}: {names.Count:N0} names, {names.Count(Ambiguous):N0} also words or places");
}

bool Ambiguous(string name) => english.Contains(name.ToLowerInvariant()) || places.Contains(name);

static SortedSet<string> Read(string path) =>
    new(File.ReadLines(path).Where(l => !l.StartsWith('#')).SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)), StringComparer.Ordinal);
