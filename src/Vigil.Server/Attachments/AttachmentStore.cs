using System.Security.Cryptography;
using Vigil.Server.Hosting;

namespace Vigil.Server.Attachments;

/// <summary>
/// Encrypted, content-addressed file storage under the data folder: each file is encrypted with its conversation's
/// data key (so erasure reaches it) and stored under the SHA-256 of its ciphertext, which also proves on read that
/// the stored bytes were not altered. The plaintext hash is kept in the database for the API.
/// </summary>
public sealed class AttachmentStore(DataDirectory data)
{
    private string Root => data.Combine("attachments");

    /// <summary>Encrypts and stores the stream; returns the plaintext SHA-256 and size and the blob's name, or null past <paramref name="maxBytes"/>.</summary>
    public async Task<(string Sha256, long Size, string Blob)?> SaveAsync(
        byte[] key, Guid attachmentId, Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        var staging = Path.Combine(Root, "staging");
        Directory.CreateDirectory(staging);
        var temp = Path.Combine(staging, Guid.NewGuid().ToString("N"));
        try
        {
            (byte[] Sha256, long Length)? plain;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                plain = await AttachmentCipher.EncryptAsync(key, attachmentId, content, file, maxBytes, cancellationToken).ConfigureAwait(false);
                if (plain is null)
                {
                    return null;
                }

                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            string blob;
            await using (var written = File.OpenRead(temp))
            {
                blob = Convert.ToHexStringLower(await SHA256.HashDataAsync(written, cancellationToken).ConfigureAwait(false));
            }

            var target = PathOf(blob);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(temp, target, overwrite: true);
            return (Convert.ToHexStringLower(plain.Value.Sha256), plain.Value.Length, blob);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>Decrypts the stored blob into <paramref name="output"/>; throws <see cref="CryptographicException"/> if it was altered.</summary>
    public async Task CopyPlaintextAsync(byte[] key, Guid attachmentId, string blob, Stream output, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(PathOf(blob), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        await AttachmentCipher.DecryptAsync(key, attachmentId, file, output, cancellationToken).ConfigureAwait(false);
    }

    private string PathOf(string blob) => Path.Combine(Root, blob[..2], blob);
}
