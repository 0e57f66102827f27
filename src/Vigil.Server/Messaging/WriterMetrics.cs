using System.Diagnostics.Metrics;

namespace Vigil.Server.Messaging;

/// <summary>
/// Group-commit figures an operator watches (dotnet-counters or OpenTelemetry, meter <c>Vigil.Messaging</c>):
/// how many commands each commit carries, how long a batch takes, and how much of that is the fsync.
/// </summary>
public sealed class WriterMetrics : IDisposable
{
    public const string MeterName = "Vigil.Messaging";
    private readonly Meter _meter;
    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _batchDuration;
    private readonly Histogram<double> _commitDuration;
    private readonly Counter<long> _commands;

    public WriterMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _batchSize = _meter.CreateHistogram<int>("vigil.writer.batch.size", "{command}", "Commands per group commit");
        _batchDuration = _meter.CreateHistogram<double>("vigil.writer.batch.duration", "ms", "Time to apply and commit one batch");
        _commitDuration = _meter.CreateHistogram<double>("vigil.writer.commit.duration", "ms", "Time of the durable commit (fsync) alone");
        _commands = _meter.CreateCounter<long>("vigil.writer.commands", "{command}", "Commands committed");
    }

    public void Committed(int commands, TimeSpan batch, TimeSpan commit)
    {
        _batchSize.Record(commands);
        _batchDuration.Record(batch.TotalMilliseconds);
        _commitDuration.Record(commit.TotalMilliseconds);
        _commands.Add(commands);
    }

    public void Dispose() => _meter.Dispose();
}
