using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Testing;

namespace Vigil.Server.Tests.Compliance;

public sealed class KeyStorageTests : IAsyncLifetime
{
    private readonly VigilServerFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _factory.DisposeAsync().AsTask();

    [Fact]
    public void The_data_protection_key_ring_is_stored_wrapped_by_the_kek_and_still_works()
    {
        var protector = _factory.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");

        var roundTrip = protector.Unprotect(protector.Protect("secret"));

        Assert.Equal("secret", roundTrip);
        var ring = Directory.GetFiles(Path.Combine(_factory.DataDirectory, "keys", "data-protection"), "*.xml");
        Assert.NotEmpty(ring);
        Assert.All(ring, file =>
        {
            var xml = File.ReadAllText(file);
            Assert.Contains("vigilEncryptedKey", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        });
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Key_encryption_keys_are_readable_by_the_owner_only()
    {
        _ = _factory.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("x");

        var folder = Path.Combine(_factory.DataDirectory, "keys", "kek");
        Assert.All(Directory.GetFiles(folder, "*.key"), file =>
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
    }
}
