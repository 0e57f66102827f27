using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Vigil.Server.Attachments;

/// <summary>
/// Streaming AES-256-GCM for files: 64 KiB chunks, each sealed with its own nonce (a random prefix and the chunk
/// number) and with the attachment id, the chunk number and a last-chunk flag as associated data, so chunks cannot be
/// reordered, swapped between files, or cut off at the end without failing to decrypt.
/// Layout: "VGA1" ‖ nonce prefix (8) ‖ chunks of (ciphertext ‖ tag).
/// </summary>
internal static class AttachmentCipher
{
    public const int ChunkSize = 64 * 1024;
    private const int TagSize = 16;
    private static ReadOnlySpan<byte> Magic => "VGA1"u8;

    /// <summary>Encrypts <paramref name="input"/> to <paramref name="output"/>; returns the plaintext's SHA-256 and length, or null past <paramref name="maxBytes"/>.</summary>
    public static async Task<(byte[] Sha256, long Length)?> EncryptAsync(
        byte[] key, Guid attachmentId, Stream input, Stream output, long maxBytes, CancellationToken cancellationToken)
    {
        using var aes = new AesGcm(key, TagSize);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var prefix = RandomNumberGenerator.GetBytes(8);
        await output.WriteAsync(Magic.ToArray(), cancellationToken).ConfigureAwait(false);
        await output.WriteAsync(prefix, cancellationToken).ConfigureAwait(false);

        var current = new byte[ChunkSize];
        var next = new byte[ChunkSize];
        var currentLength = await input.ReadAtLeastAsync(current, ChunkSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        var sealedChunk = new byte[ChunkSize + TagSize];
        long total = 0;
        for (uint index = 0; ; index++)
        {
            // Read ahead one chunk: the last chunk must be known as last when it is sealed.
            var nextLength = currentLength == ChunkSize
                ? await input.ReadAtLeastAsync(next, ChunkSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false)
                : 0;
            var final = nextLength == 0;
            total += currentLength;
            if (total > maxBytes)
            {
                return null;
            }

            sha.AppendData(current, 0, currentLength);
            aes.Encrypt(Nonce(prefix, index), current.AsSpan(0, currentLength), sealedChunk.AsSpan(0, currentLength),
                sealedChunk.AsSpan(currentLength, TagSize), AssociatedData(attachmentId, index, final));
            await output.WriteAsync(sealedChunk.AsMemory(0, currentLength + TagSize), cancellationToken).ConfigureAwait(false);
            if (final)
            {
                return (sha.GetHashAndReset(), total);
            }

            (current, next) = (next, current);
            currentLength = nextLength;
        }
    }

    /// <summary>Decrypts chunk by chunk; throws <see cref="CryptographicException"/> on any alteration.</summary>
    public static async Task DecryptAsync(byte[] key, Guid attachmentId, Stream input, Stream output, CancellationToken cancellationToken)
    {
        var header = new byte[12];
        await input.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
        if (!header.AsSpan(0, 4).SequenceEqual(Magic))
        {
            throw new CryptographicException("Not an encrypted Vigil attachment.");
        }

        var prefix = header[4..12];
        using var aes = new AesGcm(key, TagSize);
        var current = new byte[ChunkSize + TagSize];
        var next = new byte[ChunkSize + TagSize];
        var clear = new byte[ChunkSize];
        var currentLength = await input.ReadAtLeastAsync(current, current.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        for (uint index = 0; ; index++)
        {
            if (currentLength < TagSize)
            {
                throw new CryptographicException("The attachment is truncated.");
            }

            var nextLength = currentLength == current.Length
                ? await input.ReadAtLeastAsync(next, next.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false)
                : 0;
            var final = nextLength == 0;
            var length = currentLength - TagSize;
            aes.Decrypt(Nonce(prefix, index), current.AsSpan(0, length), current.AsSpan(length, TagSize), clear.AsSpan(0, length),
                AssociatedData(attachmentId, index, final));
            await output.WriteAsync(clear.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            if (final)
            {
                return;
            }

            (current, next) = (next, current);
            currentLength = nextLength;
        }
    }

    private static byte[] Nonce(byte[] prefix, uint index)
    {
        var nonce = new byte[12];
        prefix.CopyTo(nonce, 0);
        BinaryPrimitives.WriteUInt32BigEndian(nonce.AsSpan(8), index);
        return nonce;
    }

    private static byte[] AssociatedData(Guid attachmentId, uint index, bool final)
    {
        var data = new byte[21];
        attachmentId.TryWriteBytes(data, bigEndian: true, out _);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(16), index);
        data[20] = final ? (byte)1 : (byte)0;
        return data;
    }
}
