using System.ComponentModel.DataAnnotations;

namespace Vigil.Server.Identity;

/// <summary>The <c>Vigil:Sessions</c> section.</summary>
public sealed class SessionOptions
{
    public const string Section = "Vigil:Sessions";

    /// <summary>HIPAA automatic log-off: a session unused for this long ends.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The longest a session can live however active it is; then the user signs in again.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan MaximumLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Failed sign-ins before the account locks, and for how long.</summary>
    [Range(1, 100)]
    public int MaxFailedAttempts { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);
}
