using System.Text;
using Hl7.Fhir.Model;
using Vigil.Fhir.Resources;
using Vigil.Testing;

namespace Vigil.Fhir.Tests.Resources;

public sealed class FhirResourceReaderTests
{
    private static List<FhirReadResult> Read(string text) => [.. FhirResourceReader.Read("test", Encoding.UTF8.GetBytes(text))];

    [Fact]
    public void Ndjson_yields_one_resource_per_line_and_reports_bad_lines_by_number()
    {
        var results = Read(string.Join('\n',
            """{"resourceType":"Patient","id":"a"}""",
            """{"resourceType":"Patient","id":"b","birthDate":12}""",
            "not json at all",
            "   ",
            """{"resourceType":"Nonsense","id":"c"}""",
            """{"resourceType":"Patient","id":"d"}"""));

        Assert.Equal(["line 1", "line 2", "line 3", "line 5", "line 6"], results.Select(r => r.Location));
        Assert.Equal(["a", "d"], results.Where(r => r.Resource is not null).Select(r => r.Resource!.Id));
        Assert.All(results.Where(r => r.Resource is null), r => Assert.False(string.IsNullOrEmpty(r.Error)));
    }

    [Fact]
    public void A_bundle_yields_its_entries_and_reports_a_bad_entry_by_position()
    {
        var results = Read("""
            {"resourceType":"Bundle","type":"collection","entry":[
              {"resource":{"resourceType":"Patient","id":"a"}},
              {"resource":{"resourceType":"Patient","id":"b","gender":"sometimes"}},
              {"fullUrl":"urn:x"}
            ]}
            """);
        Assert.Equal(["entry 1", "entry 2", "entry 3"], results.Select(r => r.Location));
        Assert.IsType<Patient>(results[0].Resource);
        Assert.Null(results[1].Resource);
        Assert.Contains("no resource", results[2].Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_shared_Synthea_and_official_example_resource_parses()
    {
        var synthea = FhirResourceReader.ReadPath(RepositoryPaths.SharedData("fhir", "synthea-10-patients")).ToList();
        var examples = FhirResourceReader.ReadPath(RepositoryPaths.SharedData("fhir", "hl7-r4-examples")).ToList();
        Assert.Equal(2497, synthea.Count);
        Assert.All(synthea.Concat(examples), r => Assert.True(r.Error is null, $"{r.Source} {r.Location}: {r.Error}"));
        Assert.Equal(40, examples.Count(r => r.Resource is MedicationRequest));
    }
}
