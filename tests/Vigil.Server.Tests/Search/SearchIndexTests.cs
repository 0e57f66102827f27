using Vigil.Server.Search;

namespace Vigil.Server.Tests.Search;

public sealed class SearchIndexTests
{
    [Fact]
    public void Words_are_lower_cased_distinct_in_order_and_at_least_two_characters()
    {
        // "a" is too short; "patient's" is its patient (possessives belong to their word).
        Assert.Equal(["sertraline", "50", "mg", "at", "night", "patient"], SearchIndex.Words("Sertraline 50 mg at night, SERTRALINE: a patient's"));
    }

    [Fact]
    public void A_message_contributes_at_most_the_word_limit()
    {
        var text = string.Join(' ', Enumerable.Range(0, 1000).Select(i => $"w{i}"));

        Assert.Equal(SearchIndex.MaximumWordsPerMessage, SearchIndex.Words(text).Count);
    }

    [Fact]
    public void The_same_word_under_two_keys_gives_two_terms_and_under_one_key_the_same_term()
    {
        var first = SearchIndex.KeyFrom(Enumerable.Repeat((byte)1, 32).ToArray());
        var second = SearchIndex.KeyFrom(Enumerable.Repeat((byte)2, 32).ToArray());

        Assert.Equal(SearchIndex.Term(first, "lithium"), SearchIndex.Term(first, "lithium"));
        Assert.NotEqual(SearchIndex.Term(first, "lithium"), SearchIndex.Term(second, "lithium"));
    }
}
