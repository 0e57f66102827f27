using Hl7.Fhir.Model;
using NodaTime;

namespace Vigil.Server.Patients;

/// <summary>
/// The zone a patient's reminders are computed in: the FHIR <c>timezone</c> extension when the record carries one,
/// else the main zone of their address's US state, else the organisation's default. Staff can correct it.
/// </summary>
public static class PatientTimeZones
{
    public const string TimezoneExtension = "http://hl7.org/fhir/StructureDefinition/timezone";

    private static readonly Dictionary<string, string> UsStates = Build();

    public static bool IsKnown(string? zone) => zone is not null && DateTimeZoneProviders.Tzdb.GetZoneOrNull(zone) is not null;

    public static string Of(Patient patient, string fallback)
    {
        ArgumentNullException.ThrowIfNull(patient);
        if (patient.GetExtensionValue<Code>(TimezoneExtension)?.Value is { } declared && IsKnown(declared))
        {
            return declared;
        }

        foreach (var address in patient.Address)
        {
            if (address.Country is null or "US" or "USA" && address.State is { } state
                && UsStates.TryGetValue(state.Trim().ToUpperInvariant(), out var zone))
            {
                return zone;
            }
        }

        return fallback;
    }

    private static Dictionary<string, string> Build()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(string zone, params string[] states)
        {
            foreach (var state in states)
            {
                map[state] = zone;
            }
        }

        Add("America/New_York", "CT", "DE", "DC", "FL", "GA", "ME", "MD", "MA", "NH", "NJ", "NY", "NC", "OH", "PA", "RI", "SC", "VT", "VA", "WV", "MI",
            "CONNECTICUT", "DELAWARE", "FLORIDA", "GEORGIA", "MAINE", "MARYLAND", "MASSACHUSETTS", "NEW HAMPSHIRE", "NEW JERSEY", "NEW YORK",
            "NORTH CAROLINA", "OHIO", "PENNSYLVANIA", "RHODE ISLAND", "SOUTH CAROLINA", "VERMONT", "VIRGINIA", "WEST VIRGINIA", "MICHIGAN");
        Add("America/Indiana/Indianapolis", "IN", "INDIANA");
        Add("America/Kentucky/Louisville", "KY", "KENTUCKY");
        Add("America/Chicago", "AL", "AR", "IL", "IA", "KS", "LA", "MN", "MS", "MO", "NE", "ND", "OK", "SD", "TN", "TX", "WI",
            "ALABAMA", "ARKANSAS", "ILLINOIS", "IOWA", "KANSAS", "LOUISIANA", "MINNESOTA", "MISSISSIPPI", "MISSOURI", "NEBRASKA",
            "NORTH DAKOTA", "OKLAHOMA", "SOUTH DAKOTA", "TENNESSEE", "TEXAS", "WISCONSIN");
        Add("America/Denver", "CO", "MT", "NM", "UT", "WY", "ID", "COLORADO", "MONTANA", "NEW MEXICO", "UTAH", "WYOMING", "IDAHO");
        Add("America/Phoenix", "AZ", "ARIZONA");
        Add("America/Los_Angeles", "CA", "NV", "OR", "WA", "CALIFORNIA", "NEVADA", "OREGON", "WASHINGTON");
        Add("America/Anchorage", "AK", "ALASKA");
        Add("Pacific/Honolulu", "HI", "HAWAII");
        Add("America/Puerto_Rico", "PR", "PUERTO RICO");
        return map;
    }
}
