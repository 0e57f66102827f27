using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vigil.Server.Hosting;
using Vigil.Testing;

namespace Vigil.Server.Tests.Hosting;

public sealed class ConnectionLimitsTests
{
    [Fact]
    public void The_connection_limit_leaves_a_reserve_below_the_open_file_limit()
    {
        var limits = Path.GetTempFileName();
        File.WriteAllLines(limits,
        [
            "Limit                     Soft Limit           Hard Limit           Units",
            "Max processes             96365                96365                processes",
            "Max open files            20000                20000                files",
        ]);

        Assert.Equal(20_000, ConnectionLimits.OpenFileLimit(limits));
        Assert.Equal(18_000, ConnectionLimits.FromOpenFileLimit(20_000));
        File.Delete(limits);
    }

    [Fact]
    public void No_limit_is_set_when_open_files_are_unlimited_or_unknown()
    {
        var limits = Path.GetTempFileName();
        File.WriteAllLines(limits, ["Max open files            unlimited            unlimited            files"]);

        Assert.Null(ConnectionLimits.OpenFileLimit(limits));
        Assert.Null(ConnectionLimits.OpenFileLimit("/no/such/file"));
        Assert.Null(ConnectionLimits.FromOpenFileLimit(null));
        Assert.Equal(922, ConnectionLimits.FromOpenFileLimit(1024));
        File.Delete(limits);
    }

    [Theory]
    [InlineData(null, 4096)]
    [InlineData("1024", 1024)]
    public async Task The_listen_queue_holds_a_reconnect_wave_unless_configured_otherwise(string? configured, int expected)
    {
        await using var factory = new VigilServerFactory(settings: new Dictionary<string, string?> { ["Vigil:ListenBacklog"] = configured });

        Assert.Equal(expected, factory.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.Backlog);
    }

    [Fact]
    public async Task A_listen_queue_of_zero_stops_the_server_with_the_setting_named()
    {
        await using var factory = new VigilServerFactory(settings: new Dictionary<string, string?> { ["Vigil:ListenBacklog"] = "0" });

        var error = Assert.Throws<InvalidOperationException>(() => factory.Services);
        Assert.Contains("Vigil:ListenBacklog", error.Message, StringComparison.Ordinal);
    }
}
