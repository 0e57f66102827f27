using Microsoft.EntityFrameworkCore;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Server.Problems;

namespace Vigil.Server.Conversations;

/// <summary>
/// The one rule for who may see a conversation: members only. A non-member is told 403, except for patient
/// conversations, whose very existence is health information (HIPAA minimum necessary): there the answer is 404.
/// </summary>
public sealed class ConversationAccess(VigilDbContext db)
{
    public async Task<(Conversation Conversation, ConversationMember Member)> RequireMemberAsync(
        Guid conversationId, Guid userId, CancellationToken cancellationToken)
    {
        var conversation = await db.Conversations.AsNoTracking()
            .SingleOrDefaultAsync(c => c.Id == conversationId, cancellationToken).ConfigureAwait(false)
            ?? throw ProblemException.NotFound("The conversation");
        var member = await db.ConversationMembers.AsNoTracking()
            .SingleOrDefaultAsync(m => m.ConversationId == conversationId && m.UserId == userId, cancellationToken)
            .ConfigureAwait(false);
        return (conversation, member ?? throw NotAMember(conversation.Kind));
    }

    public async Task<(Conversation Conversation, ConversationMember Member)> RequireWriterAsync(
        Guid conversationId, Guid userId, CancellationToken cancellationToken)
    {
        var (conversation, member) = await RequireMemberAsync(conversationId, userId, cancellationToken).ConfigureAwait(false);
        if (member.Role == MemberRoles.ReadOnly)
        {
            throw ReadOnly();
        }

        return (conversation, member);
    }

    public static ProblemException NotAMember(string kind) =>
        kind == ConversationKinds.Patient
            ? ProblemException.NotFound("The conversation")
            : ProblemException.Forbidden("You are not a member of this conversation.", ProblemTypes.NotAMember);

    public static ProblemException ReadOnly() =>
        ProblemException.Forbidden("You have read-only access to this conversation.", ProblemTypes.ReadOnlyMember);
}
