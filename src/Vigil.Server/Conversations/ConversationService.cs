using Microsoft.EntityFrameworkCore;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Server.Identity;
using Vigil.Server.Keys;
using Vigil.Server.Ledger;
using Vigil.Server.Problems;
using Vigil.Server.Validation;

namespace Vigil.Server.Conversations;

/// <summary>Creates conversations and changes their membership; tells connected clients through <see cref="IConversationNotifier"/>.</summary>
public sealed partial class ConversationService(
    VigilDbContext db,
    ConversationAccess access,
    IConversationNotifier notifier,
    LedgerAppender ledger,
    CommitmentKeyStore keys,
    DataKeyStore dataKeys,
    TimeProvider time,
    IIdGenerator ids,
    ILogger<ConversationService> logger)
{
    public const int MaxTitleLength = 200;
    public const int MaxMembersOnCreate = 1000;

    public async Task<(ConversationDto Conversation, bool Created)> CreateAsync(
        Guid creatorId, bool creatorIsPatient, CreateConversationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var kind = request.Kind?.Trim().ToLowerInvariant();
        if (kind is null || !ConversationKinds.All.Contains(kind))
        {
            throw ProblemException.Validation($"kind must be one of: {string.Join(", ", ConversationKinds.All)}.");
        }

        var others = (request.MemberIds ?? []).Where(id => id != creatorId).Distinct().ToList();
        if (others.Count > MaxMembersOnCreate)
        {
            throw ProblemException.Validation($"At most {MaxMembersOnCreate} members can be added at once.");
        }

        var titleProblem = TextInput.Problem(request.Title, "title", MaxTitleLength, required: kind == ConversationKinds.Channel);
        if (titleProblem is not null)
        {
            throw ProblemException.Validation(titleProblem);
        }

        var visibility = kind == ConversationKinds.Channel ? (request.Visibility?.Trim().ToLowerInvariant() ?? "private") : null;
        if (visibility is not (null or "public" or "private"))
        {
            throw ProblemException.Validation("visibility must be 'public' or 'private'.");
        }

        var found = await db.Users.AsNoTracking().Where(u => others.Contains(u.Id) && !u.Disabled)
            .Select(u => u.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        var missing = others.Except(found).ToList();
        if (missing.Count > 0)
        {
            throw ProblemException.Validation($"Unknown or disabled member id(s): {string.Join(", ", missing.Take(10))}.");
        }

        var patientIds = await PatientsAmongAsync([.. others, creatorId], cancellationToken).ConfigureAwait(false);
        string? directKey = null;
        switch (kind)
        {
            case ConversationKinds.Direct when others.Count != 1:
                throw ProblemException.Validation("A direct conversation has exactly one other member.");
            case ConversationKinds.Direct:
                directKey = DirectKey(creatorId, others[0]);
                var existing = await LoadAsync(c => c.DirectKey == directKey, cancellationToken).ConfigureAwait(false);
                if (existing is not null)
                {
                    return (existing.ToDto(), false);
                }

                break;
            case ConversationKinds.Group when others.Count < 1:
                throw ProblemException.Validation("A group needs at least one other member.");
            case ConversationKinds.Patient when creatorIsPatient:
                throw ProblemException.Forbidden("A patient conversation is opened by the care team.");
            case ConversationKinds.Patient when patientIds.Count != 1:
                throw ProblemException.Validation("A patient conversation has exactly one member with the Patient role.");
            case ConversationKinds.Channel when creatorIsPatient:
                throw ProblemException.Forbidden("Patients cannot open channels.");
        }

        var now = time.GetUtcNow();
        var conversation = new Conversation
        {
            Id = ids.NewId(),
            Kind = kind,
            Title = request.Title?.Trim(),
            Visibility = visibility,
            CreatedAt = now,
            CreatedBy = creatorId,
            DirectKey = directKey,
            PatientId = kind == ConversationKinds.Patient ? patientIds[0] : null,
            SafetyMonitored = kind == ConversationKinds.Patient,
            // Care happens in patient conversations and in direct and group messages between colleagues; channels
            // (research, general) are where PHI does not belong. Administrators reclassify either way.
            PhiAllowed = kind != ConversationKinds.Channel,
        };
        conversation.Members.Add(new ConversationMember { UserId = creatorId, Role = MemberRoles.Owner, JoinedAt = now });
        foreach (var id in others)
        {
            var role = kind == ConversationKinds.Direct ? MemberRoles.Owner : MemberRoles.Member;
            conversation.Members.Add(new ConversationMember { UserId = id, Role = role, JoinedAt = now });
        }

        db.Conversations.Add(conversation);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await keys.GetOrCreateAsync(db, conversation.Id, now, cancellationToken).ConfigureAwait(false);
            var subject = DataKeyStore.SubjectOf(conversation);
            var (dataKey, keyCreated) = await dataKeys.GetOrCreateAsync(db, subject, now, cancellationToken).ConfigureAwait(false);
            if (dataKey is null)
            {
                throw new ProblemException(StatusCodes.Status410Gone, ProblemTypes.Conflict, "Subject erased",
                    "This patient's data was erased; a new conversation cannot be opened under the erased key.");
            }

            await ledger.AppendAsync(db,
            [
                .. keyCreated ? [new LedgerEvent(creatorId, LedgerActions.KeyCreated, $"subject/{subject:D}")] : Array.Empty<LedgerEvent>(),
                new LedgerEvent(creatorId, LedgerActions.ConversationCreated, LedgerActions.ConversationTarget(conversation.Id), $"kind={kind}"),
                .. conversation.Members.Select(m => MemberEvent(creatorId, LedgerActions.MemberAdded, conversation.Id, m.UserId, m.Role)),
            ], now, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException) when (directKey is not null)
        {
            // Two people opened the same direct conversation at once: the other insert won; use it.
            db.ChangeTracker.Clear();
            var winner = await LoadAsync(c => c.DirectKey == directKey, cancellationToken).ConfigureAwait(false);
            return (winner!.ToDto(), false);
        }

        LogCreated(conversation.Id, kind, conversation.Members.Count);
        var dto = conversation.ToDto();
        await notifier.MembersAddedAsync(dto, [.. conversation.Members.Select(m => m.UserId)], cancellationToken).ConfigureAwait(false);
        return (dto, true);
    }

    public async Task<IReadOnlyList<ConversationDto>> ListAsync(Guid userId, CancellationToken cancellationToken)
    {
        var list = await db.Conversations.AsNoTracking().AsSplitQuery()
            .Where(c => c.Members.Any(m => m.UserId == userId))
            .Include(c => c.Members)
            .OrderByDescending(c => c.LastSequence).ThenBy(c => c.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. list.Select(c => c.ToDto())];
    }

    /// <summary>Public channels a non-member may join.</summary>
    public async Task<IReadOnlyList<ConversationDto>> ListPublicChannelsAsync(CancellationToken cancellationToken)
    {
        var list = await db.Conversations.AsNoTracking().AsSplitQuery()
            .Where(c => c.Kind == ConversationKinds.Channel && c.Visibility == "public")
            .Include(c => c.Members)
            .OrderBy(c => c.Title).Take(500)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. list.Select(c => c.ToDto())];
    }

    public async Task<ConversationDto> GetAsync(Guid conversationId, Guid userId, CancellationToken cancellationToken)
    {
        await access.RequireMemberAsync(conversationId, userId, cancellationToken).ConfigureAwait(false);
        var conversation = await LoadAsync(c => c.Id == conversationId, cancellationToken).ConfigureAwait(false);
        return conversation!.ToDto();
    }

    public async Task<ConversationDto> AddMemberAsync(
        Guid conversationId, Guid callerId, AddMemberRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (conversation, caller) = await access.RequireMemberAsync(conversationId, callerId, cancellationToken).ConfigureAwait(false);
        if (caller.Role != MemberRoles.Owner)
        {
            throw ProblemException.Forbidden("Only an owner can add members.");
        }

        if (conversation.Kind == ConversationKinds.Direct)
        {
            throw ProblemException.Validation("A direct conversation has exactly two members; start a group instead.");
        }

        var role = request.Role?.Trim().ToLowerInvariant() ?? MemberRoles.Member;
        if (!MemberRoles.All.Contains(role))
        {
            throw ProblemException.Validation($"role must be one of: {string.Join(", ", MemberRoles.All)}.");
        }

        if (!await db.Users.AnyAsync(u => u.Id == request.UserId && !u.Disabled, cancellationToken).ConfigureAwait(false))
        {
            throw ProblemException.Validation("Unknown or disabled user id.");
        }

        if (conversation.Kind == ConversationKinds.Patient
            && (await PatientsAmongAsync([request.UserId], cancellationToken).ConfigureAwait(false)).Count > 0)
        {
            throw ProblemException.Validation("A patient conversation has exactly one patient.");
        }

        await AddOrUpdateMemberAsync(conversationId, callerId, request.UserId, role, cancellationToken).ConfigureAwait(false);
        return await AnnounceAsync(conversationId, request.UserId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Anyone on staff may join a public channel by themselves.</summary>
    public async Task<ConversationDto> JoinAsync(Guid conversationId, Guid userId, bool isPatient, CancellationToken cancellationToken)
    {
        var conversation = await db.Conversations.AsNoTracking()
            .SingleOrDefaultAsync(c => c.Id == conversationId, cancellationToken).ConfigureAwait(false);
        if (conversation is null || conversation.Kind != ConversationKinds.Channel || conversation.Visibility != "public" || isPatient)
        {
            if (conversation is not null && await IsMemberAsync(conversationId, userId, cancellationToken).ConfigureAwait(false))
            {
                return await GetAsync(conversationId, userId, cancellationToken).ConfigureAwait(false);
            }

            throw conversation is null || conversation.Kind == ConversationKinds.Patient
                ? ProblemException.NotFound("The conversation")
                : ProblemException.Forbidden("Only public channels can be joined without an invitation.");
        }

        if (!await IsMemberAsync(conversationId, userId, cancellationToken).ConfigureAwait(false))
        {
            await AddOrUpdateMemberAsync(conversationId, userId, userId, MemberRoles.Member, cancellationToken).ConfigureAwait(false);
        }

        return await AnnounceAsync(conversationId, userId, cancellationToken).ConfigureAwait(false);
    }

    public async Task RemoveMemberAsync(Guid conversationId, Guid callerId, Guid userId, CancellationToken cancellationToken)
    {
        var (_, caller) = await access.RequireMemberAsync(conversationId, callerId, cancellationToken).ConfigureAwait(false);
        if (callerId != userId && caller.Role != MemberRoles.Owner)
        {
            throw ProblemException.Forbidden("Only an owner can remove other members.");
        }

        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            var removed = await db.ConversationMembers.Where(m => m.ConversationId == conversationId && m.UserId == userId)
                .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            if (removed == 0)
            {
                throw ProblemException.NotFound("The member");
            }

            await ledger.AppendAsync(db, [MemberEvent(callerId, LedgerActions.MemberRemoved, conversationId, userId, null)], time.GetUtcNow(), cancellationToken)
                .ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        await notifier.MemberRemovedAsync(conversationId, userId, cancellationToken).ConfigureAwait(false);
    }

    private async Task AddOrUpdateMemberAsync(Guid conversationId, Guid actorId, Guid userId, string role, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var member = await db.ConversationMembers
            .SingleOrDefaultAsync(m => m.ConversationId == conversationId && m.UserId == userId, cancellationToken).ConfigureAwait(false);
        if (member is null)
        {
            db.ConversationMembers.Add(new ConversationMember
            {
                ConversationId = conversationId,
                UserId = userId,
                Role = role,
                JoinedAt = time.GetUtcNow(),
            });
        }
        else
        {
            member.Role = role;
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await ledger.AppendAsync(db, [MemberEvent(actorId, LedgerActions.MemberAdded, conversationId, userId, role)], time.GetUtcNow(), cancellationToken)
            .ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static LedgerEvent MemberEvent(Guid actorId, string action, Guid conversationId, Guid userId, string? role) =>
        new(actorId, action, $"{LedgerActions.ConversationTarget(conversationId)}/member/{userId:D}", role is null ? null : $"role={role}");

    private async Task<ConversationDto> AnnounceAsync(Guid conversationId, Guid userId, CancellationToken cancellationToken)
    {
        var dto = (await LoadAsync(c => c.Id == conversationId, cancellationToken).ConfigureAwait(false))!.ToDto();
        await notifier.MembersAddedAsync(dto, [userId], cancellationToken).ConfigureAwait(false);
        return dto;
    }

    private Task<bool> IsMemberAsync(Guid conversationId, Guid userId, CancellationToken cancellationToken) =>
        db.ConversationMembers.AnyAsync(m => m.ConversationId == conversationId && m.UserId == userId, cancellationToken);

    private Task<Conversation?> LoadAsync(System.Linq.Expressions.Expression<Func<Conversation, bool>> where, CancellationToken cancellationToken) =>
        db.Conversations.AsNoTracking().Include(c => c.Members).SingleOrDefaultAsync(where, cancellationToken);

    private async Task<List<Guid>> PatientsAmongAsync(List<Guid> userIds, CancellationToken cancellationToken) =>
        await db.UsersInRole(VigilRoles.Patient).Where(id => userIds.Contains(id)).ToListAsync(cancellationToken).ConfigureAwait(false);

    private static string DirectKey(Guid a, Guid b) => a.CompareTo(b) < 0 ? $"{a:N}:{b:N}" : $"{b:N}:{a:N}";

    [LoggerMessage(Level = LogLevel.Information, Message = "Conversation {ConversationId} ({Kind}) created with {Members} member(s)")]
    private partial void LogCreated(Guid conversationId, string kind, int members);
}

/// <summary>Tells connected clients about membership changes (the real-time layer implements it).</summary>
public interface IConversationNotifier
{
    Task MembersAddedAsync(ConversationDto conversation, IReadOnlyList<Guid> userIds, CancellationToken cancellationToken);

    Task MemberRemovedAsync(Guid conversationId, Guid userId, CancellationToken cancellationToken);
}
