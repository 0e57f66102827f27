using Microsoft.EntityFrameworkCore;
using Vigil.Server.Data;
using Vigil.Server.Keys;

namespace Vigil.Server.Safety;

/// <summary>The text of one version of a message, even after later edits (what a case or flag was raised on).</summary>
internal static class MessageVersionText
{
    public static async Task<string?> LoadAsync(VigilDbContext db, byte[] key, Guid messageId, int version, CancellationToken cancellationToken)
    {
        var current = await db.Messages.AsNoTracking().Where(m => m.Id == messageId).Select(m => new { m.Version, m.Body })
            .SingleAsync(cancellationToken).ConfigureAwait(false);
        var stored = current.Version == version
            ? current.Body
            : await db.MessageVersions.AsNoTracking().Where(v => v.MessageId == messageId && v.Version == version)
                .Select(v => v.Body).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return stored is null ? null : ContentCipher.Decrypt(key, messageId, stored);
    }
}
