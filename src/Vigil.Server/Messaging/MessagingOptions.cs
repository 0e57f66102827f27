using System.ComponentModel.DataAnnotations;

namespace Vigil.Server.Messaging;

/// <summary>The <c>Vigil:Messaging</c> section.</summary>
public sealed class MessagingOptions
{
    public const string Section = "Vigil:Messaging";

    [Range(1, 1_000_000)]
    public int MaxBodyLength { get; set; } = 16_000;

    [Range(1, 1000)]
    public int MaxReasonLength { get; set; } = 1000;

    /// <summary>The most commands one group commit takes; bigger batches amortise the fsync, smaller ones cut latency.</summary>
    [Range(1, 10_000)]
    public int MaxBatchSize { get; set; } = 512;

    [Range(1, 1000)]
    public int MaxPageSize { get; set; } = 500;
}
