using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Server.Problems;

namespace Vigil.Server.Identity;

internal static class UserEndpoints
{
    public const string AdministratorPolicy = "Administrator";
    public const string StaffPolicy = "Staff";

    public static IEndpointRouteBuilder MapUsers(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/v1/users").WithTags("Users");
        users.MapPost("/", Create).RequireAuthorization(AdministratorPolicy).WithName("CreateUser")
            .WithSummary("Create a user with roles (Administrators only).").ProducesProblem(400).ProducesProblem(409);
        users.MapGet("/", List).RequireAuthorization(AdministratorPolicy).WithName("ListUsers")
            .WithSummary("Every user with roles and status (Administrators only).");
        users.MapGet("/directory", Directory).RequireAuthorization(StaffPolicy).WithName("UserDirectory")
            .WithSummary("Colleagues' names, to start conversations (not for Patients).");
        users.MapGet("/me", Me).WithName("CurrentUser").WithSummary("The signed-in user.");
        users.MapGet("/{id:guid}", Get).RequireAuthorization(AdministratorPolicy).WithName("GetUser").ProducesProblem(404);
        users.MapPut("/{id:guid}/roles", SetRoles).RequireAuthorization(AdministratorPolicy).WithName("SetUserRoles")
            .WithSummary("Replace a user's roles.").ProducesProblem(400).ProducesProblem(404);
        users.MapPost("/{id:guid}/disable", Disable).RequireAuthorization(AdministratorPolicy).WithName("DisableUser")
            .WithSummary("Disable a user and end all their sessions.").ProducesProblem(404);
        users.MapPost("/{id:guid}/enable", Enable).RequireAuthorization(AdministratorPolicy).WithName("EnableUser")
            .ProducesProblem(404);
        return app;
    }

    private static async Task<Created<UserDto>> Create(
        CreateUserRequest request, HttpContext context, UserAdministration admin, CancellationToken cancellationToken)
    {
        var user = await admin.CreateAsync(request with { SetupToken = null }, context.User.UserId(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/api/v1/users/{user.Id}", user);
    }

    private static async Task<Ok<IReadOnlyList<UserDto>>> List(UserAdministration admin, CancellationToken cancellationToken) =>
        TypedResults.Ok(await admin.ListAsync(cancellationToken).ConfigureAwait(false));

    private static async Task<Ok<List<UserSummaryDto>>> Directory(
        VigilDbContext db, string? q, CancellationToken cancellationToken)
    {
        var query = db.Users.AsNoTracking().Where(u => !u.Disabled);
        if (!string.IsNullOrWhiteSpace(q))
        {
            var term = q.Trim().ToUpperInvariant();
            query = query.Where(u => u.NormalizedUserName!.Contains(term) || u.DisplayName.ToUpper().Contains(term));
        }

        var found = await query.OrderBy(u => u.UserName).Take(200)
            .Select(u => new UserSummaryDto(u.Id, u.UserName!, u.DisplayName)).ToListAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(found);
    }

    private static async Task<Ok<UserDto>> Me(HttpContext context, UserAdministration admin, CancellationToken cancellationToken) =>
        TypedResults.Ok(await admin.GetAsync(context.User.UserId(), cancellationToken).ConfigureAwait(false));

    private static async Task<Ok<UserDto>> Get(Guid id, UserAdministration admin, CancellationToken cancellationToken) =>
        TypedResults.Ok(await admin.GetAsync(id, cancellationToken).ConfigureAwait(false));

    private static async Task<Ok<UserDto>> SetRoles(
        Guid id, SetRolesRequest request, HttpContext context, UserAdministration admin, CancellationToken cancellationToken)
    {
        if (request.Roles is null)
        {
            throw ProblemException.Validation("roles is required.");
        }

        return TypedResults.Ok(await admin.SetRolesAsync(id, request.Roles, context.User.UserId(), cancellationToken).ConfigureAwait(false));
    }

    private static async Task<Ok<UserDto>> Disable(Guid id, HttpContext context, UserAdministration admin, CancellationToken cancellationToken)
    {
        if (id == context.User.UserId())
        {
            throw ProblemException.Conflict("You cannot disable your own account.");
        }

        return TypedResults.Ok(await admin.SetDisabledAsync(id, true, context.User.UserId(), cancellationToken).ConfigureAwait(false));
    }

    private static async Task<Ok<UserDto>> Enable(Guid id, HttpContext context, UserAdministration admin, CancellationToken cancellationToken) =>
        TypedResults.Ok(await admin.SetDisabledAsync(id, false, context.User.UserId(), cancellationToken).ConfigureAwait(false));
}
