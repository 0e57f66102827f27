using Vigil.Safety.Lexicons;

namespace Vigil.Safety.Phi;

/// <summary>
/// Person names in a message, in three passes over its words. Seeds: a listed name that is not also a word or a
/// place, a word after a cue ("Mr.", "her daughter", "my name is", "says") or before a speech or life verb ("… said",
/// "… lives"), a capitalised pair inside a sentence, and a capitalised word that is no English word at the head of
/// a vocative ("Leif, can I …"). Spread: every other mention of a seed's word in the same message ("Yefremova …
/// early Yefremova"), and the other proper nouns of a list that holds a seed ("Eklund, Michael and Hodge"). Grow: each
/// seed takes in the capitalised words and initials next to it. The guard errs towards a warning the sender can
/// dismiss. Thorough sensitivity also seeds every capitalised word that is no English word and no drug.
/// </summary>
internal sealed class NameFinder(NameGazetteer gazetteer, PhiSensitivity sensitivity, PhraseLexicon? drugs)
{
    private static readonly HashSet<string> Titles = new(StringComparer.Ordinal)
    {
        "mr", "mrs", "ms", "miss", "dr", "prof", "herr", "frau", "mme", "mlle", "sr", "sra",
    };

    private static readonly HashSet<string> Relations = new(StringComparer.Ordinal)
    {
        "daughter", "son", "wife", "husband", "mother", "father", "mom", "dad", "sister", "brother", "partner", "patient", "pt",
        "grandson", "granddaughter", "grandmother", "grandfather", "aunt", "uncle", "niece", "nephew", "caregiver", "named", "called",
        "kid", "child", "baby", "fiancé", "fiancée", "girlfriend", "boyfriend", "colleague", "says", "said", "asked", "told", "tell",
        "ask", "thank",
    };

    // Verbs that follow a person far more often than a place or a company.
    private static readonly HashSet<string> PersonVerbs = new(StringComparer.Ordinal)
    {
        "said", "says", "shouted", "told", "asked", "replied", "wrote", "lives", "lived", "spent", "thinks", "feels", "wants",
        "began", "called", "texted", "emailed", "mentioned", "complained", "reported",
    };

    // Capitalised words that start many non-name phrases.
    private static readonly HashSet<string> Common = new(StringComparer.Ordinal)
    {
        "i", "the", "a", "an", "my", "our", "your", "this", "that", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
        "sunday", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
        "dear", "hi", "hello", "thanks", "please", "street", "avenue", "road", "apt", "suite", "inc", "ltd", "llc", "gmbh", "corp",
        "university", "hospital", "clinic", "department", "team", "study", "protocol", "site", "phase", "trial", "visa", "mastercard",
    };

    // Capitalised only because they open a sentence.
    private static readonly HashSet<string> SentenceOpeners = new(StringComparer.Ordinal)
    {
        "the", "this", "that", "these", "those", "thanks", "thank", "good", "please", "can", "could", "would", "will", "what", "when",
        "where", "why", "how", "who", "is", "are", "do", "does", "did", "we", "you", "he", "she", "they", "it", "there", "here", "if",
        "and", "but", "so", "as", "at", "on", "in", "for", "to", "from", "with", "by", "of", "yes", "no", "ok", "okay", "hi", "hello",
        "dear", "i", "my", "our", "your", "his", "her", "their", "new", "all", "any", "some", "one", "after", "before", "since", "just",
        "also", "let", "see", "call", "send", "get", "have", "has", "had", "not", "best", "kind", "happy", "great", "sorry",
    };

    public void Find(string text, List<TextToken> tokens, Action<int, int, string> add)
    {
        var lowerCaseText = !text.Any(char.IsUpper);
        var seed = new bool[tokens.Count];
        Seed(text, tokens, lowerCaseText, seed);
        Grow(text, tokens, seed);
        Spread(text, tokens, seed);
        Grow(text, tokens, seed);
        for (var i = 0; i < tokens.Count; i++)
        {
            if (!seed[i])
            {
                continue;
            }

            var end = i;
            while (end + 1 < tokens.Count && seed[end + 1] && !Breaks(text, tokens, end))
            {
                end++;
            }

            add(tokens[i].Start, tokens[end].End, PhiTypes.Person);
            i = end;
        }
    }

    private void Seed(string text, List<TextToken> tokens, bool lowerCaseText, bool[] seed)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var word = tokens[i].Text;
            if (word == "name" && i + 1 < tokens.Count)
            {
                // "my name is siiri", "name on the account? Šárka Ottová", "last name: Magnusson": whatever follows is a name.
                var next = tokens[i + 1].Text is "is" or "was" ? i + 2 : i + 1;
                if (next < tokens.Count && (next == i + 2 || Between(text, tokens, i).IndexOfAny(":?") >= 0)
                    && (Capitalised(text, tokens[next]) || ProperNoun(tokens[next].Text)) && !Common.Contains(tokens[next].Text))
                {
                    seed[next] = true;
                }

                continue;
            }

            var afterCue = i > 0 && !Breaks(text, tokens, i - 1) && (Titles.Contains(tokens[i - 1].Text) || Relations.Contains(tokens[i - 1].Text)
                || (tokens[i - 1].Text == "me" && i > 1 && tokens[i - 2].Text is "call" or "calls" or "called"));
            if (afterCue && IsCandidate(text, tokens, i, lowerCaseText))
            {
                // "Mr. Koskinen", "her daughter Anna", "says Joly", "call me Csanád"; "roberto's daughter" below.
                seed[i] = true;
                continue;
            }

            // "Hi Victor", "Dear Ms Berg", "thanks Anja": a greeting names whoever it greets ("Hi all" and "Dear team" are words).
            if (i > 0 && tokens[i - 1].Text is "hi" or "hello" or "hey" or "dear" or "thanks" && !Breaks(text, tokens, i - 1)
                && Capitalised(text, tokens[i]) && Proper(word) && !gazetteer.IsPlace(word))
            {
                seed[i] = true;
                continue;
            }

            if (i + 1 < tokens.Count && Relations.Contains(tokens[i + 1].Text) && Possessive(text, tokens, i) && IsCandidate(text, tokens, i, lowerCaseText))
            {
                seed[i] = true;
                continue;
            }

            if (Capitalised(text, tokens[i]) && gazetteer.IsName(word) && !Common.Contains(word))
            {
                seed[i] = true;
                continue;
            }

            // Thorough: any other proper noun, unless it is a drug, a product, or a listed place or company.
            if (sensitivity == PhiSensitivity.Thorough && Capitalised(text, tokens[i]) && ProperNoun(word) && !Titles.Contains(word)
                && !gazetteer.IsAmbiguousName(word) && !gazetteer.IsPlace(word) && drugs?.Contains(word) != true)
            {
                seed[i] = true;
                continue;
            }

            if (lowerCaseText && gazetteer.IsName(word))
            {
                // "follow up with patricia desrosiers": in all-lower-case chat a listed name that is no English word, and
                // the unknown word after it.
                seed[i] = true;
                if (i + 1 < tokens.Count && !Breaks(text, tokens, i) && (ProperNoun(tokens[i + 1].Text) || IsInitial(text, tokens[i + 1])))
                {
                    seed[i + 1] = true;
                }

                continue;
            }

            var capitalised = Capitalised(text, tokens[i]) && !Common.Contains(word) && !Titles.Contains(word);
            if (!capitalised)
            {
                continue;
            }

            var opener = SentenceStart(text, tokens, i);
            var proper = Proper(word);
            // Two capitalised words, one of them no plain English word: "… with Jokubas Kalnins about …", "Anna K. Berg"
            // ("Cautionary Tales" and "Phase II" are not names).
            var pairWith = i + 1 < tokens.Count && IsInitial(text, tokens[i + 1]) ? i + 2 : i + 1;
            if (pairWith < tokens.Count && !Breaks(text, tokens, i) && Capitalised(text, tokens[pairWith]) && !Common.Contains(tokens[pairWith].Text)
                && (proper || Proper(tokens[pairWith].Text)) && (!opener || (proper && !SentenceOpeners.Contains(word))))
            {
                seed[i] = true;
                continue;
            }

            // "Hartvigsson said", "Leif, can I please …": a proper noun before a verb of people, or called to.
            if (proper && !SentenceOpeners.Contains(word) && i + 1 < tokens.Count
                && ((PersonVerbs.Contains(tokens[i + 1].Text) && !Breaks(text, tokens, i))
                    || (opener && Between(text, tokens, i).Trim() is "," && !Capitalised(text, tokens[i + 1]))))
            {
                seed[i] = true;
                continue;
            }

            // "Remember me, Maria?", "Don't go to town, Mark!" (called to at the end of a sentence), and "Heather: I'm
            // Daniel's daughter" (a speaker in a transcript); never a listed place ("…, London.").
            var after = i + 1 < tokens.Count ? Between(text, tokens, i).TrimStart() : text.AsSpan(tokens[i].End).TrimStart();
            if (proper && !gazetteer.IsPlace(word)
                && ((i > 0 && Between(text, tokens, i - 1).Trim() is "," && (after.IsEmpty || after[0] is '?' or '!' or '.'))
                    || (opener && !after.IsEmpty && after[0] == ':' && i + 1 < tokens.Count)))
            {
                seed[i] = true;
            }
        }
    }

    private bool Proper(string word) => (!gazetteer.IsEnglish(word) || gazetteer.IsAmbiguousName(word)) && !Contraction(word);

    private bool ProperNoun(string word) => !gazetteer.IsEnglish(word) && !Common.Contains(word) && !SentenceOpeners.Contains(word)
        && !word.Any(char.IsDigit) && word.Length > 1 && !Contraction(word);

    /// <summary>"I'm", "don't", "they're", "c'mon": English, though no list holds them.</summary>
    private static bool Contraction(string word)
    {
        var apostrophe = word.IndexOf('\'', StringComparison.Ordinal);
        return apostrophe >= 0 && (word[(apostrophe + 1)..] is "m" or "ll" or "re" or "ve" or "d" or "t" or "s" || word == "c'mon");
    }

    private bool IsCandidate(string text, List<TextToken> tokens, int i, bool lowerCaseText) =>
        (Capitalised(text, tokens[i]) || (lowerCaseText && ProperNoun(tokens[i].Text))) && !Common.Contains(tokens[i].Text)
        && !SentenceOpeners.Contains(tokens[i].Text);

    /// <summary>Every mention of a seed's word is a name; so are the proper nouns listed with it ("A, B and C").</summary>
    private void Spread(string text, List<TextToken> tokens, bool[] seed)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < tokens.Count; i++)
        {
            if (seed[i] && tokens[i].Text.Length >= 3 && !gazetteer.IsEnglish(tokens[i].Text))
            {
                words.Add(tokens[i].Text);
            }
        }

        for (var i = 0; i < tokens.Count; i++)
        {
            seed[i] |= words.Contains(tokens[i].Text);
        }

        // Lists: a run of capitalised words joined by ", " and "and"/"or"; if one is a name, the others that are no English words are too.
        var lowerCaseText = !text.Any(char.IsUpper);
        for (var i = 0; i < tokens.Count; i++)
        {
            var members = new List<int> { i };
            var j = i;
            while (j + 2 < tokens.Count)
            {
                var gap = Between(text, tokens, j).Trim();
                if (gap is "," && IsCandidate(text, tokens, j + 1, lowerCaseText))
                {
                    j++;
                }
                else if (gap.Length == 0 && tokens[j + 1].Text is "and" or "or" && IsCandidate(text, tokens, j + 2, lowerCaseText))
                {
                    j += 2;
                }
                else if (gap is "," && tokens[j + 1].Text is "and" or "or" && IsCandidate(text, tokens, j + 2, lowerCaseText))
                {
                    j += 2;
                }
                else
                {
                    break;
                }

                members.Add(j);
            }

            if (members.Count > 1 && members.Any(m => seed[m]))
            {
                foreach (var m in members.Where(m => !gazetteer.IsEnglish(tokens[m].Text) || gazetteer.IsAmbiguousName(tokens[m].Text)))
                {
                    seed[m] = true;
                }
            }

            i = Math.Max(i, j - 1);
        }
    }

    /// <summary>A seed takes in the capitalised words and initials beside it: "Faina D. Yefremova", "Willemine ten Pas".</summary>
    private static void Grow(string text, List<TextToken> tokens, bool[] seed)
    {
        var lowerCaseText = !text.Any(char.IsUpper);
        for (var pass = 0; pass < 3; pass++)
        {
            for (var i = 0; i < tokens.Count; i++)
            {
                if (!seed[i])
                {
                    continue;
                }

                var next = i + 1;
                if (next < tokens.Count && !seed[next] && !Breaks(text, tokens, i)
                    && ((Capitalised(text, tokens[next]) && !Common.Contains(tokens[next].Text) && !Relations.Contains(tokens[next].Text))
                        || (IsInitial(text, tokens[next]) && next + 1 < tokens.Count && (Capitalised(text, tokens[next + 1]) || lowerCaseText))))
                {
                    seed[next] = true;
                }
            }
        }
    }

    /// <summary>A capital and then lower-case letters, no digits: "MRN", "ICU" and "A123" are not names.</summary>
    private static bool Capitalised(string text, TextToken token)
    {
        if (!char.IsUpper(text[token.Start]) || token.End - token.Start < 2 || token.Text.Any(char.IsDigit))
        {
            return false;
        }

        foreach (var c in text.AsSpan(token.Start + 1, token.End - token.Start - 1))
        {
            if (char.IsLower(c))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsInitial(string text, TextToken token) => token.End - token.Start == 1 && char.IsLetter(text[token.Start]);

    private static bool Possessive(string text, List<TextToken> tokens, int i) =>
        tokens[i].End + 1 < text.Length && text[tokens[i].End] is '\'' or '’' && text[tokens[i].End + 1] is 's' or 'S';

    private static ReadOnlySpan<char> Between(string text, List<TextToken> tokens, int i) =>
        i + 1 < tokens.Count ? text.AsSpan(tokens[i].End, tokens[i + 1].Start - tokens[i].End) : default;

    /// <summary>Punctuation other than an initial's full stop, or a line break, ends a name.</summary>
    private static bool Breaks(string text, List<TextToken> tokens, int i)
    {
        var gap = Between(text, tokens, i);
        var initial = IsInitial(text, tokens[i]) || Titles.Contains(tokens[i].Text);
        foreach (var c in gap)
        {
            if (!char.IsWhiteSpace(c) || c == '\n')
            {
                if (!(c == '.' && initial))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool SentenceStart(string text, List<TextToken> tokens, int i) =>
        i == 0 || text.AsSpan(tokens[i - 1].End, tokens[i].Start - tokens[i - 1].End).IndexOfAny(".!?\n:\"“") >= 0;
}
