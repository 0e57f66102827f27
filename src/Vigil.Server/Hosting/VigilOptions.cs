using System.ComponentModel.DataAnnotations;

namespace Vigil.Server.Hosting;

/// <summary>The <c>Vigil</c> configuration section; validated at start so a bad setting stops the server at once.</summary>
public sealed class VigilOptions
{
    public const string Section = "Vigil";

    /// <summary>Where the database, keys and attachments live. Relative paths resolve against the working folder.</summary>
    [Required(AllowEmptyStrings = false)]
    public string DataDirectory { get; set; } = "data";

    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary><c>sqlite</c> (embedded, the default) or <c>postgres</c> (needs <see cref="ConnectionString"/>).</summary>
    [RegularExpression("^(sqlite|postgres)$", ErrorMessage = "Vigil:Database must be sqlite or postgres.")]
    public string Database { get; set; } = Sqlite;

    /// <summary>
    /// For SQLite, overrides the default (<c>vigil.db</c> under <see cref="DataDirectory"/>); for PostgreSQL, an
    /// Npgsql connection string (<c>Host=…;Port=…;Database=…;Username=…;Password=…</c>). Keys and attachments stay
    /// under <see cref="DataDirectory"/> either way.
    /// </summary>
    public string? ConnectionString { get; set; }
}
