using System.ComponentModel.DataAnnotations;

namespace Vigil.Server.Ledger;

/// <summary>The <c>Vigil:Ledger</c> section: a checkpoint is signed every N entries or T, whichever comes first.</summary>
public sealed class LedgerOptions
{
    public const string Section = "Vigil:Ledger";

    [Range(1, 10_000_000)]
    public int CheckpointEveryEntries { get; set; } = 1000;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(10);
}
