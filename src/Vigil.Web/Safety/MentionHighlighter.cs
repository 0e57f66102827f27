using System.Net;
using System.Text;
using Vigil.Contracts;

namespace Vigil.Web.Safety;

/// <summary>The source message as escaped HTML with the detected drugs and events marked (offsets are UTF-16).</summary>
public static class MentionHighlighter
{
    public static string ToHtml(string text, IReadOnlyList<SafetyMentionDto> mentions)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(mentions);
        var html = new StringBuilder(text.Length + (mentions.Count * 48));
        var at = 0;
        foreach (var mention in mentions.Where(m => m.Start >= 0 && m.End <= text.Length && m.Start < m.End).OrderBy(m => m.Start))
        {
            if (mention.Start < at)
            {
                continue;
            }

            html.Append(WebUtility.HtmlEncode(text[at..mention.Start]));
            var kind = mention.Kind is "drug" ? "drug" : "event";
            html.Append("<mark class=\"").Append(kind).Append(' ').Append(WebUtility.HtmlEncode(mention.Context))
                .Append("\" title=\"").Append(kind).Append(", ").Append(WebUtility.HtmlEncode(mention.Context)).Append("\">")
                .Append(WebUtility.HtmlEncode(text[mention.Start..mention.End])).Append("</mark>");
            at = mention.End;
        }

        html.Append(WebUtility.HtmlEncode(text[at..]));
        return html.ToString();
    }
}
