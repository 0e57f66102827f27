using Vigil.Server.Data;

namespace Vigil.Server.Identity;

internal static class RoleMembers
{
    /// <summary>The ids of the users holding <paramref name="role"/>, as a query to filter or count further.</summary>
    public static IQueryable<Guid> UsersInRole(this VigilDbContext db, string role) =>
        from ur in db.UserRoles
        join r in db.Roles on ur.RoleId equals r.Id
        where r.Name == role
        select ur.UserId;
}
