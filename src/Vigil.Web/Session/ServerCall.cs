using Vigil.Client;

namespace Vigil.Web.Session;

/// <summary>
/// Runs a call to the server for a page and turns a refusal (RFC 9457 problem) or an unreachable server into the
/// one sentence the page shows, so no page breaks on a network error.
/// </summary>
public static class ServerCall
{
    public const string Unreachable = "Vigil cannot be reached; try again when the connection is back.";

    /// <returns>Null when the call succeeded; otherwise what to tell the user.</returns>
    public static async Task<string?> TryAsync(Func<Task> action, string refused = "The server refused the request.")
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            await action();
            return null;
        }
        catch (VigilApiException refusal)
        {
            return refusal.Detail ?? refusal.Title ?? refused;
        }
        catch (HttpRequestException)
        {
            return Unreachable;
        }
    }
}
