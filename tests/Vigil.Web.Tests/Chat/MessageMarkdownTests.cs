using System.Text.Json;
using System.Text.RegularExpressions;
using Vigil.Testing;
using Vigil.Web.Chat;

namespace Vigil.Web.Tests.Chat;

/// <summary>What a message can put into the page: only inert formatting, whatever its author typed.</summary>
public sealed partial class MessageMarkdownTests
{
    private static readonly HashSet<string> AllowedTags =
    [
        "p", "a", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "br",
        "table", "thead", "tbody", "tr", "th", "td", "del", "ins", "mark", "sup", "sub", "input",
    ];

    private static readonly HashSet<string> AllowedAttributes = ["href", "rel", "class", "type", "disabled", "checked", "start", "title"];

    /// <summary>All 515 strings of the Big List of Naughty Strings, one assertion run each, reported together.</summary>
    [Fact]
    public void Every_naughty_string_renders_only_allowed_tags_and_attributes_and_no_script_urls()
    {
        var strings = JsonSerializer.Deserialize<string[]>(File.ReadAllText(RepositoryPaths.SharedData("naughty-strings", "blns.json")))!;
        Assert.True(strings.Length > 500);
        var offenders = strings.Select(text => (text, problem: ProblemIn(MessageMarkdown.ToSafeHtml(text))))
            .Where(r => r.problem is not null).Select(r => $"{r.text} -> {r.problem}").ToList();
        Assert.Empty(offenders);
    }

    private static string? ProblemIn(string html)
    {
        foreach (Match tag in Tag().Matches(html))
        {
            var name = tag.Groups["name"].Value.ToLowerInvariant();
            if (!AllowedTags.Contains(name))
            {
                return $"tag <{name}>";
            }

            foreach (Match attribute in Attribute().Matches(tag.Groups["attributes"].Value))
            {
                var attributeName = attribute.Groups["name"].Value.ToLowerInvariant();
                if (!AllowedAttributes.Contains(attributeName))
                {
                    return $"attribute {attributeName}";
                }

                var value = System.Net.WebUtility.HtmlDecode(attribute.Groups["value"].Value);
                if (attributeName == "href" && value.Length > 0 && !MessageMarkdown.IsAllowed(value))
                {
                    return $"href {value}";
                }
            }
        }

        return null;
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("[click](JaVaScRiPt:alert(1))")]
    [InlineData("[click]( javascript:alert(1))")]
    [InlineData("![pixel](https://tracker.example/p.gif)")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>")]
    [InlineData("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")]
    [InlineData("<javascript:alert(1)>")]
    public void Classic_payloads_come_out_inert(string text)
    {
        var html = MessageMarkdown.ToSafeHtml(text);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", Hrefs(html), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("data:", Hrefs(html), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(EventHandler(), html);
    }

    [Fact]
    public void Formatting_links_and_tables_render_as_expected()
    {
        var html = MessageMarkdown.ToSafeHtml("**bold** _it_ `code` https://vigil.example/x\n\n| a | b |\n|--:|:-:|\n| 1 | 2 |");
        Assert.Contains("<strong>bold</strong>", html, StringComparison.Ordinal);
        Assert.Contains("<em>it</em>", html, StringComparison.Ordinal);
        Assert.Contains("<code>code</code>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://vigil.example/x\"", html, StringComparison.Ordinal);
        Assert.Contains("rel=\"noopener noreferrer nofollow\"", html, StringComparison.Ordinal);
        Assert.Contains("<table>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("style=", html, StringComparison.Ordinal);
    }

    private static string Hrefs(string html) => string.Join(' ', Href().Matches(html).Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value)));

    [GeneratedRegex(@"<(?<name>[a-zA-Z][a-zA-Z0-9]*)(?<attributes>[^>]*)>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"(?<name>[a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*""(?<value>[^""]*)"")?")]
    private static partial Regex Attribute();

    [GeneratedRegex(@"href=""([^""]*)""")]
    private static partial Regex Href();

    [GeneratedRegex(@"<[^>]+\son\w+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandler();
}
