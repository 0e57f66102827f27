using System.ComponentModel.DataAnnotations;

namespace Vigil.Server.Keys;

/// <summary>The <c>Vigil:Keys</c> section: how long and how many unwrapped keys a node keeps in memory.</summary>
public sealed class KeysOptions
{
    public const string Section = "Vigil:Keys";

    /// <summary>
    /// How long a node uses a key it has read before reading it again. An erasure destroys the stored keys and the
    /// erasing node forgets them at once; every other node stops using them within this time.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CacheLifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Keys kept at most (per kind); beyond it the cache starts again empty.</summary>
    [Range(100, 10_000_000)]
    public int CacheCapacity { get; set; } = 100_000;
}
