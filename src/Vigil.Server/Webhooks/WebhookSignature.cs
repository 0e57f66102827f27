using System.Security.Cryptography;
using System.Text;

namespace Vigil.Server.Webhooks;

/// <summary>
/// <c>X-Vigil-Signature: sha256=HEX</c>, the HMAC-SHA-256 of <c>"{timestamp}.{body}"</c> under the subscription's
/// secret. Receivers recompute it and reject old timestamps, so a captured delivery cannot be replayed later.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-Vigil-Signature";
    public const string TimestampHeader = "X-Vigil-Timestamp";
    public const string EventHeader = "X-Vigil-Event";
    public const string DeliveryHeader = "X-Vigil-Delivery";

    public static string Sign(string secret, long timestamp, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
}
