using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Vigil.Server.Keys;

/// <summary>
/// Wraps ASP.NET Data Protection's key ring (which protects Identity's tokens) with the same key-encryption key as
/// the data keys, so no secret sits in the data folder in the clear.
/// </summary>
internal sealed class KekXmlEncryptor(IKeyEncryptionKeyProvider keks) : IXmlEncryptor
{
    internal static readonly Guid AssociatedId = new("5e1c3a52-1d6b-4c55-9a3e-0f7f2d1b7a10");

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var (id, kek) = keks.Current();
        var element = new XElement("vigilEncryptedKey",
            new XAttribute("kek", id),
            ContentCipher.Encrypt(kek, AssociatedId, plaintextElement.ToString(SaveOptions.DisableFormatting)));
        return new EncryptedXmlInfo(element, typeof(KekXmlDecryptor));
    }
}

/// <summary>Created by Data Protection through its service-provider constructor.</summary>
internal sealed class KekXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        var keks = services.GetRequiredService<IKeyEncryptionKeyProvider>();
        var kek = keks.Get((string?)encryptedElement.Attribute("kek") ?? throw new InvalidOperationException("Missing KEK id."));
        return XElement.Parse(ContentCipher.Decrypt(kek, KekXmlEncryptor.AssociatedId, encryptedElement.Value));
    }
}
