using Vigil.Server.Validation;

namespace Vigil.Server.Tests.Validation;

public sealed class TextInputTests
{
    // A Fact, not a Theory: test discovery would replace lone surrogates in serialized theory data.
    [Fact]
    public void Detects_unpaired_surrogates()
    {
        Assert.False(TextInput.HasInvalidUtf16("plain"));
        Assert.False(TextInput.HasInvalidUtf16("emoji \U0001F48A"));
        Assert.True(TextInput.HasInvalidUtf16("lone high \uD800"));
        Assert.True(TextInput.HasInvalidUtf16("lone low \uDC00 here"));
        Assert.True(TextInput.HasInvalidUtf16("\uDC00\uD800"));
    }

    [Theory]
    [InlineData("tab\tand\nlines\r\n", true, false)]
    [InlineData("tab\t", false, true)]
    [InlineData("nul\0", true, true)]
    [InlineData("next line \u0085", true, true)]
    [InlineData("zero\u200Bwidth and \u202Ebidi", true, false)]
    public void Refuses_control_characters_but_keeps_line_breaks_where_allowed(string text, bool allowLineBreaks, bool refused) =>
        Assert.Equal(refused, TextInput.HasControlCharacters(text, allowLineBreaks));

    [Fact]
    public void Reports_the_length_and_the_limit() =>
        Assert.Equal("title has 5 characters; at most 3 are allowed.", TextInput.Problem("abcde", "title", 3));
}
