using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;

namespace Vigil.Fhir.Resources;

/// <summary>One resource read from an import source, or the reason its line or entry was skipped.</summary>
public sealed record FhirReadResult(string Source, string Location, Resource? Resource, string? Error);

/// <summary>
/// Reads FHIR R4 resources from NDJSON (one resource per line, as bulk data exports write them) or from a JSON
/// document (a Bundle or a single resource). A malformed line or entry is reported with its position and reason and
/// skips only itself.
/// </summary>
public static class FhirResourceReader
{
    /// <summary>Every resource in a file, or in every <c>.json</c>/<c>.ndjson</c> file of a folder, in name order.</summary>
    public static IEnumerable<FhirReadResult> ReadPath(string path)
    {
        if (Directory.Exists(path))
        {
            var files = Directory.EnumerateFiles(path)
                .Where(f => f.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                .Where(f => !Path.GetFileName(f).Equals("package.json", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal);
            return files.SelectMany(f => Read(Path.GetFileName(f), File.ReadAllBytes(f)));
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No file or folder at {path}.", path);
        }

        return Read(Path.GetFileName(path), File.ReadAllBytes(path));
    }

    public static IEnumerable<FhirReadResult> Read(string source, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var text = content.AsSpan();
        if (text.StartsWith(Encoding.UTF8.Preamble))
        {
            text = text[Encoding.UTF8.Preamble.Length..];
        }

        return IsSingleDocument(text) ? ReadDocument(source, text.ToArray()) : ReadLines(source, text.ToArray());
    }

    private static bool IsSingleDocument(ReadOnlySpan<byte> content)
    {
        try
        {
            var reader = new Utf8JsonReader(content, new JsonReaderOptions { AllowMultipleValues = false });
            return reader.Read() && reader.TrySkip() && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static IEnumerable<FhirReadResult> ReadDocument(string source, byte[] content)
    {
        using var document = JsonDocument.Parse(content);
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Object
            && root.TryGetProperty("resourceType", out var type) && type.ValueEquals("Bundle")
            && root.TryGetProperty("entry", out var entries) && entries.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var entry in entries.EnumerateArray())
            {
                index++;
                var location = $"entry {index}";
                if (!entry.TryGetProperty("resource", out var resource))
                {
                    yield return new FhirReadResult(source, location, null, "The entry has no resource.");
                    continue;
                }

                yield return Parse(source, location, Encoding.UTF8.GetBytes(resource.GetRawText()));
            }

            yield break;
        }

        yield return Parse(source, "document", content);
    }

    private static IEnumerable<FhirReadResult> ReadLines(string source, byte[] content)
    {
        var line = 0;
        var start = 0;
        while (start <= content.Length)
        {
            var end = Array.IndexOf(content, (byte)'\n', start);
            if (end < 0)
            {
                end = content.Length;
            }

            line++;
            var slice = content.AsMemory(start, end - start);
            start = end + 1;
            if (slice.Span.Trim(" \t\r"u8).IsEmpty)
            {
                continue;
            }

            yield return Parse(source, $"line {line}", slice.Span);
        }
    }

    private static FhirReadResult Parse(string source, string location, ReadOnlySpan<byte> json)
    {
        try
        {
            return new FhirReadResult(source, location, FhirJson.ParseResource(json), null);
        }
        catch (FhirFormatException exception)
        {
            return new FhirReadResult(source, location, null, exception.Message);
        }
    }
}
