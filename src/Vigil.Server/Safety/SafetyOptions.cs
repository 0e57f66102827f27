namespace Vigil.Server.Safety;

/// <summary>Configuration section <c>Vigil:Safety</c>.</summary>
public sealed class SafetyOptions
{
    public const string Section = "Vigil:Safety";

    /// <summary>Whether this node screens the safety outbox (every node may; rows are removed in the writer's transaction).</summary>
    public bool MonitorEnabled { get; set; } = true;

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The detector's decision threshold (see the README for how the default was chosen).</summary>
    public double Threshold { get; set; } = Vigil.Safety.Detection.AeDetector.DefaultThreshold;

    /// <summary>The organisation's own product names and codes, matched as drugs.</summary>
    public List<string> ProductNames { get; set; } = [];

    /// <summary>
    /// How readily the PHI guard takes a capitalised word for a name (README, "PHI guard", for the trade). Thorough by
    /// default: it meets the PhysioNet deid recall; list the organisation's products in <see cref="ProductNames"/>.
    /// </summary>
    public Vigil.Safety.Phi.PhiSensitivity PhiSensitivity { get; set; } = Vigil.Safety.Phi.PhiSensitivity.Thorough;

    /// <summary>A file from <c>vigil safety train</c> to use instead of the shipped model.</summary>
    public string? ModelPath { get; set; }
}
