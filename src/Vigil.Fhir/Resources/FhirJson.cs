using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Vigil.Fhir.Resources;

/// <summary>FHIR R4 JSON in and out, through the Firely SDK's System.Text.Json (de)serializer.</summary>
public static class FhirJson
{
    // Strict: a wrong type, an unknown element or an invalid code fails the resource with the reason, rather than
    // importing a partial resource whose meaning may have changed. Narrative is display only and not validated.
    private static readonly FhirJsonDeserializer Deserializer = new(new DeserializerSettings().UsingMode(DeserializationMode.Strict, Hl7.Fhir.Validation.NarrativeValidationKind.None));

    public static Resource ParseResource(string json) => ParseResource(Encoding.UTF8.GetBytes(json));

    public static Resource ParseResource(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json);
        try
        {
            if (Deserializer.TryDeserializeResource(ref reader, out var resource, out var issues) && resource is not null)
            {
                return resource;
            }

            throw new FhirFormatException(Describe(issues));
        }
        catch (JsonException exception)
        {
            throw new FhirFormatException($"Not JSON: {exception.Message}", exception);
        }
    }

    /// <summary>A FHIR datatype (a Timing, say) from its JSON.</summary>
    public static T ParseElement<T>(string json)
        where T : Base
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        try
        {
            if (Deserializer.TryDeserializeObject(typeof(T), ref reader, out var element, out var issues) && element is T typed)
            {
                return typed;
            }

            throw new FhirFormatException(Describe(issues));
        }
        catch (JsonException exception)
        {
            throw new FhirFormatException($"Not JSON: {exception.Message}", exception);
        }
    }

    public static string Serialize(Base element, bool pretty = false) => element.ToJson(pretty);

    private static string Describe(IEnumerable<Hl7.Fhir.Utility.CodedException>? issues) =>
        issues is null ? "Not a FHIR resource." : string.Join("; ", issues.Take(3).Select(i => i.Message));
}
