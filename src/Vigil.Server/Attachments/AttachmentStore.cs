using System.Security.Cryptography;
using Vigil.Server.Hosting;

namespace Vigil.Server.Attachments;

/// <summary>
/// Content-addressed file storage under the data folder: a file is kept once however often it is shared, and its
/// name is its SHA-256, which also proves on read that it was not altered.
/// </summary>
public sealed class AttachmentStore(DataDirectory data)
{
    private string Root => data.Combine("attachments");

    /// <summary>Copies the stream to storage; returns the hex SHA-256 and size. Over <paramref name="maxBytes"/> nothing is kept.</summary>
    public async Task<(string Sha256, long Size)?> SaveAsync(Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        var staging = Path.Combine(Root, "staging");
        Directory.CreateDirectory(staging);
        var temp = Path.Combine(staging, Guid.NewGuid().ToString("N"));
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long size = 0;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    size += read;
                    if (size > maxBytes)
                    {
                        return null;
                    }

                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }

                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            var target = PathOf(sha);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (!File.Exists(target))
            {
                File.Move(temp, target);
            }

            return (sha, size);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    public Stream OpenRead(string sha256) =>
        new FileStream(PathOf(sha256), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);

    private string PathOf(string sha256) => Path.Combine(Root, sha256[..2], sha256);
}
