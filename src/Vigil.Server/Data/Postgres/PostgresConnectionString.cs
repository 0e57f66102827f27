using System.Data.Common;
using Npgsql;

namespace Vigil.Server.Data.Postgres;

/// <summary>
/// The connection string Vigil opens PostgreSQL with. Npgsql prepares statements it has seen a few times when asked
/// to (<c>Max Auto Prepare</c>), and is not asked by default: every statement was then parsed and planned again on
/// every execution. Measured with two nodes in the round trip at 500 msg/s, PostgreSQL took a third of the servers'
/// core, the parser and planner the top of its profile. Unless the operator's string says otherwise (say
/// <c>Max Auto Prepare=0</c> behind a pooler that cannot keep prepared statements), up to
/// <see cref="PreparedStatements"/> statements per connection are prepared.
/// </summary>
internal static class PostgresConnectionString
{
    /// <summary>The writer, the hub and the endpoints use a few dozen distinct statements; batches add sizes.</summary>
    public const int PreparedStatements = 256;

    public static string WithAutoPrepare(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (given.ContainsKey("Max Auto Prepare") || given.ContainsKey("MaxAutoPrepare"))
        {
            return connectionString;
        }

        return new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = PreparedStatements }.ConnectionString;
    }
}
