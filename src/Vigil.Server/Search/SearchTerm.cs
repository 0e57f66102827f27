namespace Vigil.Server.Search;

/// <summary>
/// One word of a message's current text in the search index, as a keyed hash: <see cref="Term"/> is the first eight
/// bytes of HMAC-SHA-256 under a key derived from the conversation's data key, so the index holds no text, the same
/// word hashes differently in conversations with different keys, and crypto-shredding a subject's key leaves its
/// rows meaningless (erasure deletes them too).
/// </summary>
public sealed class SearchTerm
{
    public long Term { get; set; }

    public Guid MessageId { get; set; }

    public Guid ConversationId { get; set; }
}
