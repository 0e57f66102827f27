using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Vigil.Safety.Lexicons;

namespace Vigil.Server.Search;

/// <summary>Words of a text and their keyed hashes: the same on the write path (indexing) and the read path (queries).</summary>
public static class SearchIndex
{
    /// <summary>Words shorter than this are not indexed (and not searchable).</summary>
    public const int MinimumWordLength = 2;

    /// <summary>A message contributes at most this many distinct words; a longer one is searchable by its first ones.</summary>
    public const int MaximumWordsPerMessage = 256;

    private static readonly byte[] Purpose = Encoding.ASCII.GetBytes("vigil/search-index/v1");

    /// <summary>The distinct words of a text, lower-cased, in order of first appearance.</summary>
    public static List<string> Words(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in TextToken.Split(text))
        {
            if (token.Text.Length >= MinimumWordLength && token.Text.Length <= 64 && seen.Add(token.Text))
            {
                words.Add(token.Text);
                if (words.Count == MaximumWordsPerMessage)
                {
                    break;
                }
            }
        }

        return words;
    }

    /// <summary>The index key of a conversation, derived from the data key that encrypts its content.</summary>
    public static byte[] KeyFrom(byte[] dataKey) => HKDF.DeriveKey(HashAlgorithmName.SHA256, dataKey, 32, info: Purpose);

    public static long Term(byte[] indexKey, string word)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(indexKey, Encoding.UTF8.GetBytes(word), mac);
        return BinaryPrimitives.ReadInt64BigEndian(mac);
    }

    /// <summary>The index rows of a message's current text.</summary>
    public static IEnumerable<SearchTerm> Rows(byte[] dataKey, Guid conversationId, Guid messageId, string text)
    {
        var key = KeyFrom(dataKey);
        return Words(text).Select(word => Term(key, word)).Distinct()
            .Select(term => new SearchTerm { Term = term, MessageId = messageId, ConversationId = conversationId }).ToList();
    }
}
