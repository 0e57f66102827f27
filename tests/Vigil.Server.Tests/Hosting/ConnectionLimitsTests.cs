using Vigil.Server.Hosting;

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
}
