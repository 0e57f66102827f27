using Microsoft.EntityFrameworkCore;
using Vigil.Server.Data;
using Vigil.Server.Ledger;
using Vigil.Server.Problems;

namespace Vigil.Server.Conversations;

/// <summary>An administrator's change to how a conversation is treated (screening, PHI classification), ledgered with it.</summary>
internal static class ConversationSettings
{
    /// <param name="apply">Changes the conversation, or throws a <see cref="ProblemException"/> to refuse.</param>
    public static async Task ChangeAsync(
        VigilDbContext db, LedgerAppender ledger, TimeProvider time, Guid conversationId, Guid actorId, Action<Conversation> apply,
        string action, string reason, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var conversation = await db.Conversations.SingleOrDefaultAsync(c => c.Id == conversationId, cancellationToken).ConfigureAwait(false)
            ?? throw ProblemException.NotFound("The conversation");
        apply(conversation);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await ledger.AppendAsync(db, [new LedgerEvent(actorId, action, LedgerActions.ConversationTarget(conversationId), reason)], time.GetUtcNow(), cancellationToken)
            .ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
