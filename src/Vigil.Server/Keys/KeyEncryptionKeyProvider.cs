using System.Security.Cryptography;
using Vigil.Server.Hosting;

namespace Vigil.Server.Keys;

/// <summary>
/// Holds the key-encryption keys (KEKs) that wrap every data key. Pluggable: a KMS or HSM implementation returns key
/// handles instead of bytes in a real deployment; the default keeps them in files outside the database.
/// </summary>
public interface IKeyEncryptionKeyProvider
{
    /// <summary>The KEK new data keys are wrapped with.</summary>
    (string KeyId, byte[] Key) Current();

    byte[] Get(string keyId);

    /// <summary>Makes a new KEK current (old ones stay readable until nothing is wrapped with them).</summary>
    string Rotate();
}

/// <summary>
/// KEKs as 256-bit files under <c>keys/kek/</c> in the data folder, owner-only; <c>current</c> names the active one.
/// A copy of the database alone (a stolen backup) therefore decrypts nothing.
/// </summary>
public sealed class FileKeyEncryptionKeyProvider : IKeyEncryptionKeyProvider
{
    private readonly string _folder;
    private readonly Lock _lock = new();

    public FileKeyEncryptionKeyProvider(DataDirectory data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _folder = data.Combine("keys", "kek");
        Directory.CreateDirectory(_folder);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private string CurrentPath => Path.Combine(_folder, "current");

    public (string KeyId, byte[] Key) Current()
    {
        lock (_lock)
        {
            if (!File.Exists(CurrentPath))
            {
                RotateLocked();
            }

            var id = File.ReadAllText(CurrentPath).Trim();
            return (id, Get(id));
        }
    }

    public byte[] Get(string keyId)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        if (keyId.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '-'))
        {
            throw new CryptographicException("Malformed key id.");
        }

        var path = Path.Combine(_folder, keyId + ".key");
        return File.Exists(path)
            ? File.ReadAllBytes(path)
            : throw new CryptographicException($"Key-encryption key '{keyId}' is not available.");
    }

    public string Rotate()
    {
        lock (_lock)
        {
            return RotateLocked();
        }
    }

    private string RotateLocked()
    {
        var id = $"kek-{DateTime.UtcNow:yyyyMMddHHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        var path = Path.Combine(_folder, id + ".key");
        File.WriteAllBytes(path, RandomNumberGenerator.GetBytes(32));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var temp = CurrentPath + ".tmp";
        File.WriteAllText(temp, id);
        File.Move(temp, CurrentPath, overwrite: true);
        return id;
    }
}
