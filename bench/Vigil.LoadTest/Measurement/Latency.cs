using System.Diagnostics;
using HdrHistogram;

namespace Vigil.LoadTest.Measurement;

/// <summary>
/// Latencies in microseconds, measured from when a message was due to be sent (its place in the schedule), not from
/// when the generator got round to sending it: a stalled server shows up in the figures instead of slowing the
/// generator down (no coordinated omission).
/// </summary>
internal sealed class Latency
{
    private readonly LongConcurrentHistogram _histogram = new(1, TimeStamp.Seconds(120), 3);

    public long Count => _histogram.TotalCount;

    public void RecordSince(long scheduledTimestamp) =>
        _histogram.RecordValue(Math.Max(1, (long)Stopwatch.GetElapsedTime(scheduledTimestamp).TotalMicroseconds));

    public double Percentile(double percentile) => _histogram.TotalCount == 0 ? double.NaN : _histogram.GetValueAtPercentile(percentile) / 1000.0;

    public string Summary() => Count == 0 ? "no samples" : $"{Percentile(50):0.0} / {Percentile(99):0.0} / {Percentile(99.9):0.0}";
}
