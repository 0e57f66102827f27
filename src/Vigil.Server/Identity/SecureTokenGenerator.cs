using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Vigil.Server.Identity;

/// <summary>Makes bearer secrets; injectable so tests can make them predictable.</summary>
public interface ISecureTokenGenerator
{
    string NewToken(string prefix);
}

internal sealed class SecureTokenGenerator : ISecureTokenGenerator
{
    public string NewToken(string prefix)
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return prefix + Base64Url.EncodeToString(bytes);
    }
}

internal static class TokenHash
{
    /// <summary>Tokens are high-entropy, so an unsalted SHA-256 is enough to make a stolen table useless.</summary>
    public static string Of(string token) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
