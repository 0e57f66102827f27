using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Vigil.Ledger;

/// <summary>
/// A signed statement "the ledger had <see cref="TreeSize"/> entries with root <see cref="RootHash"/> at
/// <see cref="IssuedAt"/>", in the spirit of RFC 9162 signed tree heads. Signed with ECDSA P-256 / SHA-256 so that
/// OpenSSL or any JOSE library can check it without Vigil.
/// </summary>
public sealed record LedgerCheckpoint(long TreeSize, byte[] RootHash, DateTimeOffset IssuedAt)
{
    public byte[] SignedBytes() => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $"vigil-ledger-checkpoint/v1\n{TreeSize}\n{Convert.ToBase64String(RootHash)}\n{IssuedAt.ToUnixTimeMilliseconds()}\n"));

    public byte[] Sign(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.SignData(SignedBytes(), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    public bool Verify(ReadOnlySpan<byte> signature, string publicKeyPem)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(publicKeyPem);
        return key.VerifyData(SignedBytes(), signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }
}
