using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Contracts;
using Vigil.Server.Conversations;
using Vigil.Server.Data;
using Vigil.Server.Identity;
using Vigil.Server.Keys;
using Vigil.Server.Ledger;
using Vigil.Server.Messaging;
using Vigil.Server.Problems;
using Vigil.Server.Validation;

namespace Vigil.Server.Attachments;

internal static class AttachmentEndpoints
{
    public static IEndpointRouteBuilder MapAttachments(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/conversations/{conversationId:guid}/attachments", Upload)
            .WithTags("Attachments").WithName("UploadAttachment").DisableAntiforgery()
            .WithSummary("Upload a file (multipart field 'file') to share in a message of this conversation.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(413).ProducesProblem(415);
        app.MapGet("/api/v1/attachments/{id:guid}", Download)
            .WithTags("Attachments").WithName("DownloadAttachment")
            .WithSummary("Download a file; members of its conversation only.").ProducesProblem(403).ProducesProblem(404);
        return app;
    }

    private static async Task<Created<AttachmentDto>> Upload(
        Guid conversationId,
        IFormFile? file,
        HttpContext context,
        ConversationAccess access,
        AttachmentStore store,
        VigilDbContext db,
        IIdGenerator ids,
        TimeProvider time,
        IOptions<AttachmentOptions> options,
        DataKeyStore dataKeys,
        CancellationToken cancellationToken)
    {
        var userId = context.User.UserId();
        var (conversation, _) = await access.RequireWriterAsync(conversationId, userId, cancellationToken).ConfigureAwait(false);
        if (file is null)
        {
            throw ProblemException.Validation("Send the file as multipart/form-data in a field named 'file'.");
        }

        var limit = options.Value.MaxBytes;
        if (file.Length > limit)
        {
            throw new ProblemException(413, ProblemTypes.BodyTooLarge, "File too large", $"The file has {file.Length} bytes; the limit is {limit}.");
        }

        var fileName = Path.GetFileName(file.FileName ?? "");
        var nameProblem = TextInput.Problem(fileName, "file name", 255);
        if (nameProblem is not null)
        {
            throw ProblemException.Validation(nameProblem);
        }

        var contentType = (file.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        if (!options.Value.AllowedContentTypes.Contains(contentType))
        {
            throw new ProblemException(415, ProblemTypes.UnsupportedMediaType, "File type not accepted",
                $"'{contentType}' is not accepted. Accepted: {string.Join(", ", options.Value.AllowedContentTypes)}.");
        }

        await using var stream = file.OpenReadStream();
        var head = new byte[512];
        var headLength = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (!ContentSignature.Matches(contentType, head.AsSpan(0, headLength)))
        {
            throw new ProblemException(415, ProblemTypes.UnsupportedMediaType, "File content does not match its type",
                $"The file's content is not {contentType}.");
        }

        stream.Position = 0;
        var key = await dataKeys.GetAsync(db, DataKeyStore.SubjectOf(conversation), cancellationToken).ConfigureAwait(false)
            ?? throw new ProblemException(StatusCodes.Status410Gone, ProblemTypes.Conflict, "Content erased", "This conversation's content was erased.");
        var id = ids.NewId();
        var saved = await store.SaveAsync(key, id, stream, limit, cancellationToken).ConfigureAwait(false)
            ?? throw new ProblemException(413, ProblemTypes.BodyTooLarge, "File too large", $"The limit is {limit} bytes.");
        var attachment = new Attachment
        {
            Id = id,
            ConversationId = conversationId,
            UploaderId = userId,
            FileName = fileName,
            ContentType = contentType,
            Size = saved.Size,
            Sha256 = saved.Sha256,
            Blob = saved.Blob,
            UploadedAt = time.GetUtcNow(),
        };
        db.Attachments.Add(attachment);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/api/v1/attachments/{attachment.Id}", attachment.ToDto());
    }

    private static async Task<PushStreamHttpResult> Download(
        Guid id, HttpContext context, VigilDbContext db, ConversationAccess access, AttachmentStore store, LedgerRecorder ledger,
        DataKeyStore dataKeys, CancellationToken cancellationToken)
    {
        var attachment = await db.Attachments.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, cancellationToken).ConfigureAwait(false)
            ?? throw ProblemException.NotFound("The attachment");
        var (conversation, _) = await access.RequireMemberAsync(attachment.ConversationId, context.User.UserId(), cancellationToken).ConfigureAwait(false);
        if (conversation.Kind == ConversationKinds.Patient)
        {
            await ledger.RecordPatientReadAsync(context.User.UserId(), conversation.Id, $"attachment {attachment.Id:D}", cancellationToken).ConfigureAwait(false);
        }

        if (attachment.MessageId is null && attachment.UploaderId != context.User.UserId())
        {
            throw ProblemException.NotFound("The attachment");
        }

        var key = await dataKeys.GetAsync(db, DataKeyStore.SubjectOf(conversation), cancellationToken).ConfigureAwait(false)
            ?? throw new ProblemException(StatusCodes.Status410Gone, ProblemTypes.Conflict, "Content erased", "This attachment's content was erased.");
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.Stream(
            output => store.CopyPlaintextAsync(key, attachment.Id, attachment.Blob, output, context.RequestAborted),
            attachment.ContentType, attachment.FileName);
    }
}
