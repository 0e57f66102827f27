using System.ComponentModel.DataAnnotations;

namespace Vigil.Server.Hosting;

/// <summary>The <c>Vigil</c> configuration section; validated at start so a bad setting stops the server at once.</summary>
public sealed class VigilOptions
{
    public const string Section = "Vigil";

    /// <summary>Where the database, keys and attachments live. Relative paths resolve against the working folder.</summary>
    [Required(AllowEmptyStrings = false)]
    public string DataDirectory { get; set; } = "data";

    /// <summary>Overrides the SQLite connection string; by default <c>vigil.db</c> under <see cref="DataDirectory"/>.</summary>
    public string? ConnectionString { get; set; }
}
