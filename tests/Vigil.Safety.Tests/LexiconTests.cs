using Vigil.Safety.Lexicons;
using Vigil.Testing;

namespace Vigil.Safety.Tests;

public sealed class LexiconTests
{
    [Fact]
    public void The_shipped_drug_names_are_exactly_those_built_from_the_shared_DrugBank_vocabulary()
    {
        using var csv = File.OpenText(RepositoryPaths.SharedData("drugbank", "drugbank-open-vocabulary.csv"));
        var rebuilt = DrugLexicon.NamesFromDrugBankCsv(csv);
        Assert.Equal(rebuilt, DrugLexicon.ShippedNames());
        Assert.True(rebuilt.Count > 30_000);
    }

    [Fact]
    public void Drugs_and_events_are_found_on_word_boundaries_longest_first_with_their_offsets()
    {
        var text = "Started Sertraline 50mg; now shortness of breath and a dry mouth. Sertralinexyz is not a word.";
        var tokens = TextToken.Split(text);
        var drugs = DrugLexicon.Default(["Vigilon"]).Find(tokens);
        var events = EventLexicon.Default().Find(tokens);

        Assert.Equal(["sertraline"], drugs.Select(d => d.Phrase));
        Assert.Equal("Sertraline", text[drugs[0].Start..drugs[0].End]);
        Assert.Equal(["shortness of breath", "dry mouth"], events.Select(e => e.Phrase));
        Assert.Single(DrugLexicon.Default(["Vigilon"]).Find(TextToken.Split("vigilon works")));
        Assert.Empty(DrugLexicon.Default().Find(TextToken.Split("a glass of water with some sugar")));
    }

    [Fact]
    public void Tokens_keep_apostrophes_and_inner_hyphens_and_ignore_case()
    {
        Assert.Equal(["i", "can't", "sleep", "light-headed"], TextToken.Split("I CAN’T sleep — light-headed!").Select(t => t.Text));
    }
}
