using System.Diagnostics;

namespace Vigil.LoadTest.Measurement;

/// <summary>
/// Warm-up until a server's behaviour holds steady before it is measured. On one saturated core the JIT takes
/// minutes to finish tiering a server of Vigil's size (ingest on SQLite: 1,680 acks/s after 5 s of load, 3,347 after
/// 120 s, 3,686 after 240 s), and a server in service lives in that steady state, so a fixed short warm-up measures
/// the JIT rather than the server.
/// </summary>
internal static class SteadyState
{
    /// <summary>
    /// Runs <paramref name="window"/> (which does one window of work and returns its figure: a rate, a mean latency)
    /// until two consecutive figures are within <paramref name="tolerance"/> of each other after at least
    /// <paramref name="minimum"/>, or the next window would pass <paramref name="maximum"/>. Returns how long the
    /// warm-up took. The minimum because the tiering has plateaus of its own: on 2026-11-27 two ingest runs on SQLite
    /// stopped after two equal windows at 30 s, 26% and 33% below runs of the same builds that warmed for 90–120 s.
    /// </summary>
    public static async Task<TimeSpan> WarmUpAsync(
        Func<Task<(double Figure, TimeSpan Took)>> window, double tolerance, TimeSpan maximum, TimeSpan minimum = default)
    {
        var clock = Stopwatch.StartNew();
        double? previous = null;
        while (true)
        {
            var (figure, took) = await window();
            if ((clock.Elapsed >= minimum && previous is { } last && Math.Abs(figure - last) <= tolerance * last) || clock.Elapsed + took > maximum)
            {
                return clock.Elapsed;
            }

            previous = figure;
        }
    }
}
