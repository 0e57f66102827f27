using System.Security.Cryptography;
using System.Text;

namespace Vigil.Server.Keys;

/// <summary>
/// AES-256-GCM for stored content. The record's id is bound as associated data, so a ciphertext moved to another
/// row fails to decrypt instead of showing someone else's text. Stored as text: <c>v1:</c> + base64(nonce ‖ tag ‖ ciphertext).
/// </summary>
public static class ContentCipher
{
    private const string Prefix = "v1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static string Encrypt(byte[] key, Guid recordId, string plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var clear = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[NonceSize + TagSize + clear.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, clear, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), AssociatedData(recordId));
        return Prefix + Convert.ToBase64String(sealedBytes);
    }

    public static string Decrypt(byte[] key, Guid recordId, string stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new CryptographicException("Not an encrypted value.");
        }

        var sealedBytes = Convert.FromBase64String(stored[Prefix.Length..]);
        var clear = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), clear,
            AssociatedData(recordId));
        return Encoding.UTF8.GetString(clear);
    }

    /// <summary>Wraps a data key under a KEK (AES-GCM key wrap with the subject id as associated data).</summary>
    public static byte[] Wrap(byte[] kek, Guid subjectId, byte[] dataKey)
    {
        var wrapped = new byte[NonceSize + TagSize + dataKey.Length];
        RandomNumberGenerator.Fill(wrapped.AsSpan(0, NonceSize));
        using var aes = new AesGcm(kek, TagSize);
        aes.Encrypt(wrapped.AsSpan(0, NonceSize), dataKey, wrapped.AsSpan(NonceSize + TagSize), wrapped.AsSpan(NonceSize, TagSize), AssociatedData(subjectId));
        return wrapped;
    }

    public static byte[] Unwrap(byte[] kek, Guid subjectId, byte[] wrapped)
    {
        ArgumentNullException.ThrowIfNull(wrapped);
        var dataKey = new byte[wrapped.Length - NonceSize - TagSize];
        using var aes = new AesGcm(kek, TagSize);
        aes.Decrypt(wrapped.AsSpan(0, NonceSize), wrapped.AsSpan(NonceSize + TagSize), wrapped.AsSpan(NonceSize, TagSize), dataKey, AssociatedData(subjectId));
        return dataKey;
    }

    private static byte[] AssociatedData(Guid id) => id.ToByteArray(bigEndian: true);
}
