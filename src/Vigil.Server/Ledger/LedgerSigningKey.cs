using System.Security.Cryptography;
using Vigil.Server.Hosting;

namespace Vigil.Server.Ledger;

/// <summary>
/// The checkpoint signing key: an ECDSA P-256 key in a PEM file under the data folder's <c>keys/</c> (owner-only),
/// outside the database, so a database edit cannot re-sign a forged history. The public half is written beside it for
/// auditors and served by the API.
/// </summary>
public sealed class LedgerSigningKey : IDisposable
{
    private readonly ECDsa _key;

    public LedgerSigningKey(DataDirectory data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var folder = data.Combine("keys");
        Directory.CreateDirectory(folder);
        var privatePath = Path.Combine(folder, "ledger-signing.pem");
        _key = ECDsa.Create();
        if (File.Exists(privatePath))
        {
            _key.ImportFromPem(File.ReadAllText(privatePath));
        }
        else
        {
            _key.GenerateKey(ECCurve.NamedCurves.nistP256);
            File.WriteAllText(privatePath, _key.ExportPkcs8PrivateKeyPem());
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(privatePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        PublicKeyPem = _key.ExportSubjectPublicKeyInfoPem();
        File.WriteAllText(Path.Combine(folder, "ledger-signing.pub.pem"), PublicKeyPem);
    }

    public string PublicKeyPem { get; }

    public ECDsa Key => _key;

    public void Dispose() => _key.Dispose();
}
