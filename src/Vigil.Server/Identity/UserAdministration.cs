using System.Net.Mail;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Server.Ledger;
using Vigil.Server.Problems;
using Vigil.Server.Validation;

namespace Vigil.Server.Identity;

/// <summary>Creates users and changes their roles and status; used by the API and by the offline CLI alike.</summary>
public sealed partial class UserAdministration(
    UserManager<VigilUser> users,
    VigilDbContext db,
    TimeProvider time,
    IIdGenerator ids,
    SessionService sessions,
    LedgerAppender ledger,
    ILogger<UserAdministration> logger)
{
    public const int MaxUsernameLength = 64;
    public const int MaxDisplayNameLength = 200;
    public const int MaxEmailLength = 254;
    public const int MaxPasswordLength = 256;

    /// <param name="actorId">Who creates the user; null for the operator's CLI and first-run setup.</param>
    /// <param name="id">The new account's id; a patient's account takes their profile's id (see PatientProfile).</param>
    public async Task<UserDto> CreateAsync(CreateUserRequest request, Guid? actorId, CancellationToken cancellationToken, Guid? id = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var roles = CanonicalRoles(request.Roles ?? []);
        ValidateProfile(request);
        if (await users.FindByNameAsync(request.Username).ConfigureAwait(false) is not null)
        {
            throw ProblemException.Conflict($"The username '{request.Username}' is taken.");
        }

        var user = new VigilUser
        {
            Id = id ?? ids.NewId(),
            UserName = request.Username,
            Email = request.Email,
            DisplayName = request.DisplayName.Trim(),
            CreatedAt = time.GetUtcNow(),
            LockoutEnabled = true,
        };
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            ThrowIfFailed(await users.CreateAsync(user, request.Password).ConfigureAwait(false));
            if (roles.Count > 0)
            {
                ThrowIfFailed(await users.AddToRolesAsync(user, roles).ConfigureAwait(false));
            }

            await ledger.AppendAsync(db, [new LedgerEvent(actorId ?? user.Id, LedgerActions.UserCreated, LedgerActions.UserTarget(user.Id),
                $"roles={string.Join(',', roles)}")], time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        LogCreated(user.Id, string.Join(',', roles));
        return await GetAsync(user.Id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<UserDto>> ListAsync(CancellationToken cancellationToken)
    {
        var all = await db.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(cancellationToken).ConfigureAwait(false);
        var roles = await RolesByUserAsync(null, cancellationToken).ConfigureAwait(false);
        return [.. all.Select(u => ToDto(u, roles.GetValueOrDefault(u.Id, [])))];
    }

    public async Task<UserDto> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, cancellationToken).ConfigureAwait(false)
            ?? throw ProblemException.NotFound("The user");
        var roles = await RolesByUserAsync(id, cancellationToken).ConfigureAwait(false);
        return ToDto(user, roles.GetValueOrDefault(id, []));
    }

    /// <summary>Finds a user by id or username, as an operator would type either.</summary>
    public async Task<UserDto> FindAsync(string idOrUsername, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(idOrUsername, out var id))
        {
            return await GetAsync(id, cancellationToken).ConfigureAwait(false);
        }

        var user = await users.FindByNameAsync(idOrUsername).ConfigureAwait(false)
            ?? throw ProblemException.NotFound($"The user '{idOrUsername}'");
        return await GetAsync(user.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Disabling ends every session of the user at once; the account and its records stay.</summary>
    public async Task<UserDto> SetDisabledAsync(Guid id, bool disabled, Guid? actorId, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(id.ToString()).ConfigureAwait(false) ?? throw ProblemException.NotFound("The user");
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            user.Disabled = disabled;
            ThrowIfFailed(await users.UpdateAsync(user).ConfigureAwait(false));
            await ledger.AppendAsync(db, [new LedgerEvent(actorId, disabled ? LedgerActions.UserDisabled : LedgerActions.UserEnabled,
                LedgerActions.UserTarget(id))], time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        // After the commit: revoking writes through another connection, which would wait on this transaction's lock.
        if (disabled)
        {
            await sessions.RevokeAllAsync(id, "disabled", cancellationToken).ConfigureAwait(false);
        }

        LogStatusChanged(id, disabled);
        return await GetAsync(id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<UserDto> SetRolesAsync(Guid id, IReadOnlyList<string> roles, Guid? actorId, CancellationToken cancellationToken)
    {
        var wanted = CanonicalRoles(roles);
        var user = await users.FindByIdAsync(id.ToString()).ConfigureAwait(false) ?? throw ProblemException.NotFound("The user");
        var current = await users.GetRolesAsync(user).ConfigureAwait(false);
        var toRemove = current.Except(wanted, StringComparer.Ordinal).ToList();
        var toAdd = wanted.Except(current, StringComparer.Ordinal).ToList();
        if (toRemove.Contains(VigilRoles.Administrator) && await IsLastAdministratorAsync(id).ConfigureAwait(false))
        {
            throw ProblemException.Conflict("This is the last Administrator; give another user the role first.");
        }

        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            if (toRemove.Count > 0)
            {
                ThrowIfFailed(await users.RemoveFromRolesAsync(user, toRemove).ConfigureAwait(false));
            }

            if (toAdd.Count > 0)
            {
                ThrowIfFailed(await users.AddToRolesAsync(user, toAdd).ConfigureAwait(false));
            }

            // Previous and new value, so the trail answers "who gave whom which role, when" (Part 11 §11.10(e)).
            await ledger.AppendAsync(db, [new LedgerEvent(actorId, LedgerActions.UserRolesChanged, LedgerActions.UserTarget(id),
                $"from={string.Join(',', current.Order(StringComparer.Ordinal))};to={string.Join(',', wanted.Order(StringComparer.Ordinal))}")],
                time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        sessions.ForgetUser(id);
        LogRolesChanged(id, string.Join(',', wanted));
        return await GetAsync(id, cancellationToken).ConfigureAwait(false);
    }

    internal static List<string> CanonicalRoles(IEnumerable<string> roles)
    {
        var result = new List<string>();
        foreach (var role in roles)
        {
            var known = VigilRoles.All.FirstOrDefault(r => string.Equals(r, role, StringComparison.OrdinalIgnoreCase))
                ?? throw ProblemException.Validation(
                    $"Unknown role '{Truncate(role)}'. Known roles: {string.Join(", ", VigilRoles.All)}.");
            if (!result.Contains(known))
            {
                result.Add(known);
            }
        }

        return result;
    }

    private static void ValidateProfile(CreateUserRequest request)
    {
        var problem = TextInput.Problem(request.Username, "username", MaxUsernameLength)
            ?? TextInput.Problem(request.DisplayName, "displayName", MaxDisplayNameLength)
            ?? TextInput.Problem(request.Email, "email", MaxEmailLength)
            ?? (string.IsNullOrEmpty(request.Password) ? "password is required." : null)
            ?? (request.Password.Length > MaxPasswordLength ? $"password is longer than {MaxPasswordLength} characters." : null);
        if (problem is null && !IsUsername(request.Username))
        {
            problem = "username may hold only letters, digits, '.', '_' and '-', and must start with a letter or digit.";
        }

        if (problem is null && (!MailAddress.TryCreate(request.Email, out var address) || address.Address != request.Email))
        {
            problem = "email is not a valid e-mail address.";
        }

        if (problem is not null)
        {
            throw ProblemException.Validation(problem);
        }
    }

    private static bool IsUsername(string username) =>
        username.Length >= 2 && char.IsAsciiLetterOrDigit(username[0])
        && username.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    private async Task<bool> IsLastAdministratorAsync(Guid id)
    {
        var admins = await users.GetUsersInRoleAsync(VigilRoles.Administrator).ConfigureAwait(false);
        return admins.Count(a => !a.Disabled) <= 1 && admins.Any(a => a.Id == id);
    }

    private async Task<Dictionary<Guid, List<string>>> RolesByUserAsync(Guid? userId, CancellationToken cancellationToken)
    {
        var rows = await (from ur in db.UserRoles
                          join r in db.Roles on ur.RoleId equals r.Id
                          where userId == null || ur.UserId == userId
                          select new { ur.UserId, r.Name }).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.GroupBy(r => r.UserId).ToDictionary(g => g.Key, g => g.Select(r => r.Name!).Order(StringComparer.Ordinal).ToList());
    }

    internal static UserDto ToDto(VigilUser user, IReadOnlyList<string> roles) =>
        new(user.Id, user.UserName ?? "", user.DisplayName, user.Email ?? "", roles, user.Disabled, user.TwoFactorEnabled);

    private static void ThrowIfFailed(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            var duplicate = result.Errors.Any(e => e.Code is "DuplicateUserName" or "DuplicateEmail");
            var detail = string.Join(" ", result.Errors.Select(e => e.Description));
            throw duplicate ? ProblemException.Conflict(detail) : ProblemException.Validation(detail);
        }
    }

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} created with roles [{Roles}]")]
    private partial void LogCreated(Guid userId, string roles);

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} disabled: {Disabled}")]
    private partial void LogStatusChanged(Guid userId, bool disabled);

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} roles set to [{Roles}]")]
    private partial void LogRolesChanged(Guid userId, string roles);
}
