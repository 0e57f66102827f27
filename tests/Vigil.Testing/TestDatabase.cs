using Npgsql;

namespace Vigil.Testing;

/// <summary>
/// Which database the integration tests run on: SQLite by default; PostgreSQL when the test command sets
/// <c>VIGIL_TEST_DATABASE=postgres</c> and <c>VIGIL_TEST_POSTGRES</c> (a connection string to a throwaway cluster it
/// started). Each server gets a database of its own, dropped afterwards.
/// </summary>
public static class TestDatabase
{
    public static bool IsPostgres =>
        string.Equals(Environment.GetEnvironmentVariable("VIGIL_TEST_DATABASE"), "postgres", StringComparison.OrdinalIgnoreCase);

    private static string AdminConnectionString =>
        Environment.GetEnvironmentVariable("VIGIL_TEST_POSTGRES")
        ?? throw new InvalidOperationException("VIGIL_TEST_DATABASE=postgres needs VIGIL_TEST_POSTGRES (./test.sh starts a cluster and sets it).");

    /// <summary>Creates an empty database and returns the connection string the server should use.</summary>
    public static string CreatePostgresDatabase()
    {
        var name = $"vigil_{Guid.NewGuid():N}";
        using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{name}\"";
            command.ExecuteNonQuery();
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>
    /// The database that belongs to a data folder (a server process restarted on the same folder finds its data
    /// again), created on first use; the throwaway cluster goes away with everything in it at the end of the run.
    /// </summary>
    public static string PostgresDatabaseFor(string dataDirectory)
    {
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(dataDirectory))));
        var name = $"vigil_dir_{hash[..24]}";
        using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            connection.Open();
            using var exists = connection.CreateCommand();
            exists.CommandText = "SELECT 1 FROM pg_database WHERE datname = @name";
            exists.Parameters.AddWithValue("name", name);
            if (exists.ExecuteScalar() is null)
            {
                using var create = connection.CreateCommand();
                create.CommandText = $"CREATE DATABASE \"{name}\"";
                create.ExecuteNonQuery();
            }
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    public static void DropPostgresDatabase(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(AdminConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)";
        command.ExecuteNonQuery();
    }
}
