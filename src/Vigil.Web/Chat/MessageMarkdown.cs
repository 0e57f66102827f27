using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Vigil.Web.Chat;

/// <summary>
/// Markdown to HTML that is safe to put in the page. Raw HTML in a message is escaped (DisableHtml); links keep only
/// http, https and mailto targets and images become plain links, so no message can run script, load a tracking pixel
/// or navigate to a javascript: URL. The page's Content-Security-Policy (no inline script) is the second wall.
/// </summary>
public static class MessageMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UseAutoLinks()
        .UseEmphasisExtras()
        .UsePipeTables()
        .UseTaskLists()
        .UseReferralLinks("noopener", "noreferrer", "nofollow")
        .Build();

    public static string ToSafeHtml(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var document = Markdown.Parse(markdown, Pipeline);
        foreach (var link in document.Descendants<LinkInline>())
        {
            link.IsImage = false;
            if (!IsAllowed(link.Url))
            {
                link.Url = "";
            }
        }

        foreach (var link in document.Descendants<AutolinkInline>())
        {
            if (!IsAllowed(link.IsEmail ? "mailto:" + link.Url : link.Url))
            {
                link.Url = "";
            }
        }

        // Column alignment would be written as inline style attributes, which the CSP refuses; tables stay plain.
        foreach (var table in document.Descendants<Table>())
        {
            foreach (var column in table.ColumnDefinitions)
            {
                column.Alignment = null;
            }
        }

        return document.ToHtml(Pipeline);
    }

    /// <summary>Only absolute http(s) and mailto targets; relative links could reach the app's own API.</summary>
    public static bool IsAllowed(string? url) =>
        url is not null
        && Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeMailto);
}
