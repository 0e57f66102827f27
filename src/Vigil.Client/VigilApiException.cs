using System.Net;

namespace Vigil.Client;

/// <summary>The server refused a request; <see cref="ProblemType"/> is the stable RFC 9457 type URI.</summary>
public sealed class VigilApiException : Exception
{
    public VigilApiException()
    {
    }

    public VigilApiException(string message)
        : base(message)
    {
    }

    public VigilApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public VigilApiException(HttpStatusCode status, string? problemType, string? title, string? detail)
        : base($"{(int)status} {title ?? status.ToString()}: {detail ?? "(no detail)"}")
    {
        Status = status;
        ProblemType = problemType;
        Title = title;
        Detail = detail;
    }

    public HttpStatusCode Status { get; }

    public string? ProblemType { get; }

    public string? Title { get; }

    public string? Detail { get; }

    /// <summary>A refusal is final: retrying the same request gets the same answer.</summary>
    public bool IsClientError => (int)Status is >= 400 and < 500;
}
