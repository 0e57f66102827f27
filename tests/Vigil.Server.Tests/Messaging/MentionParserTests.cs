using Vigil.Server.Messaging;

namespace Vigil.Server.Tests.Messaging;

public sealed class MentionParserTests
{
    [Theory]
    [InlineData("@bob hi", new[] { "bob" })]
    [InlineData("hi @bob and @carol.", new[] { "bob", "carol" })]
    [InlineData("(@dr.smith)", new[] { "dr.smith" })]
    [InlineData("@Bob @bob", new[] { "Bob" })]
    [InlineData("mail bob@example.org", new string[0])]
    [InlineData("no mentions", new string[0])]
    [InlineData("@@double", new string[0])]
    public void Finds_usernames_after_an_at_sign(string body, string[] expected) =>
        Assert.Equal(expected, MentionParser.Usernames(body));
}
