using System.Security.Claims;
using Vigil.Contracts;
using Vigil.Server.Identity;
using Vigil.Server.Problems;

namespace Vigil.Server.Patients;

/// <summary>
/// Who may see and change a patient's record: the care team (clinicians) and the patient themself. Administrators
/// import data and run the system but do not read clinical records by virtue of that role. Anyone else gets 404, so a
/// patient's existence is not disclosed.
/// </summary>
internal static class PatientAccess
{
    public static bool IsCareTeam(ClaimsPrincipal user) => user.IsInRole(VigilRoles.Clinician);

    public static void Require(ClaimsPrincipal user, Guid patientId)
    {
        if (!IsCareTeam(user) && user.UserId() != patientId)
        {
            throw ProblemException.NotFound("The patient");
        }
    }

    public static void RequireCareTeam(ClaimsPrincipal user)
    {
        if (!IsCareTeam(user))
        {
            throw ProblemException.Forbidden("Only the care team (clinicians) may do this.");
        }
    }
}
