using Vigil.Contracts;

namespace Vigil.Server.Problems;

/// <summary>
/// A client mistake or a refusal, raised by a feature service and turned into RFC 9457 ProblemDetails on HTTP and a
/// <c>HubException</c> on SignalR, so REST and the hub refuse the same input in the same words.
/// </summary>
public sealed class ProblemException(int status, string type, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;

    public string Type { get; } = type;

    public string Title { get; } = title;

    public static ProblemException Validation(string detail) =>
        new(StatusCodes.Status400BadRequest, ProblemTypes.Validation, "The request is not valid", detail);

    public static ProblemException NotFound(string what) =>
        new(StatusCodes.Status404NotFound, ProblemTypes.NotFound, "Not found", $"{what} was not found.");

    public static ProblemException Forbidden(string detail, string type = ProblemTypes.Forbidden) =>
        new(StatusCodes.Status403Forbidden, type, "Forbidden", detail);

    public static ProblemException Conflict(string detail) =>
        new(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "Conflict", detail);

    public static ProblemException BodyTooLarge(int length, int limit) =>
        new(StatusCodes.Status413PayloadTooLarge, ProblemTypes.BodyTooLarge, "Message body too large",
            $"The message body has {length} characters; the limit is {limit}.");
}
