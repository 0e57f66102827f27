using Microsoft.Extensions.Options;
using Vigil.Contracts;
using Vigil.Server.Problems;
using Vigil.Server.Validation;

namespace Vigil.Server.Messaging;

/// <summary>What a message, an edit or a deletion must look like before it reaches the writer.</summary>
public sealed class MessageInput(IOptions<MessagingOptions> options)
{
    public const int MaxClientMessageIdLength = 100;
    public const int MaxAttachments = 20;

    public void ValidateSend(SendMessageRequest? request)
    {
        if (request is null)
        {
            throw ProblemException.Validation("A message body is required.");
        }

        Throw(TextInput.Problem(request.ClientMessageId, "clientMessageId", MaxClientMessageIdLength));
        if (request.AttachmentIds is { Count: > MaxAttachments })
        {
            throw ProblemException.Validation($"At most {MaxAttachments} attachments per message.");
        }

        ValidateBody(request.Body, allowEmpty: request.AttachmentIds is { Count: > 0 });
    }

    public void ValidateEdit(EditMessageRequest? request)
    {
        if (request is null)
        {
            throw ProblemException.Validation("body and reason are required.");
        }

        ValidateBody(request.Body, allowEmpty: false);
        ValidateReason(request.Reason);
    }

    public void ValidateReason(string? reason) =>
        Throw(TextInput.Problem(reason, "reason", options.Value.MaxReasonLength, allowLineBreaks: true));

    private void ValidateBody(string? body, bool allowEmpty)
    {
        var limit = options.Value.MaxBodyLength;
        if (body is not null && body.Length > limit)
        {
            throw ProblemException.BodyTooLarge(body.Length, limit);
        }

        if (allowEmpty && string.IsNullOrEmpty(body))
        {
            return;
        }

        Throw(TextInput.Problem(body, "body", limit, allowLineBreaks: true));
    }

    private static void Throw(string? problem)
    {
        if (problem is not null)
        {
            throw ProblemException.Validation(problem);
        }
    }
}
