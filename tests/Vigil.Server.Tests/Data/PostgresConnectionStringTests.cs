using Npgsql;
using Vigil.Server.Data.Postgres;

namespace Vigil.Server.Tests.Data;

public sealed class PostgresConnectionStringTests
{
    private const string Given = "Host=127.0.0.1;Port=5433;Database=vigil;Username=vigil;Password=s3cret";

    [Fact]
    public void Statements_are_prepared_automatically_when_the_operator_did_not_say()
    {
        var opened = new NpgsqlConnectionStringBuilder(PostgresConnectionString.WithAutoPrepare(Given));

        Assert.Equal(PostgresConnectionString.PreparedStatements, opened.MaxAutoPrepare);
        Assert.Equal(("127.0.0.1", 5433, "vigil", "vigil", "s3cret"), (opened.Host, opened.Port, opened.Database, opened.Username, opened.Password));
    }

    [Theory]
    [InlineData("Max Auto Prepare=0", 0)]
    [InlineData("max auto prepare=0", 0)]
    [InlineData("MaxAutoPrepare=20", 20)]
    public void The_operator_s_own_setting_is_kept(string setting, int expected)
    {
        var opened = new NpgsqlConnectionStringBuilder(PostgresConnectionString.WithAutoPrepare($"{Given};{setting}"));

        Assert.Equal(expected, opened.MaxAutoPrepare);
    }
}
