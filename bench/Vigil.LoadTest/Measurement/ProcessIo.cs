using System.Globalization;

namespace Vigil.LoadTest.Measurement;

/// <summary>
/// This process's file and socket I/O so far, from <c>/proc/self/io</c> (Linux): bytes passed to read and write
/// calls and the number of those calls, whether or not they reached the disk. The difference of two readings over a
/// window, divided by the messages in it, is the I/O each message cost.
/// </summary>
internal readonly record struct ProcessIo(long BytesRead, long BytesWritten, long Reads, long Writes)
{
    public static ProcessIo Now()
    {
        var fields = File.ReadLines("/proc/self/io")
            .Select(line => line.Split(':', 2))
            .ToDictionary(parts => parts[0], parts => long.Parse(parts[1], CultureInfo.InvariantCulture));
        return new ProcessIo(fields["rchar"], fields["wchar"], fields["syscr"], fields["syscw"]);
    }

    public static ProcessIo operator -(ProcessIo after, ProcessIo before) => new(
        after.BytesRead - before.BytesRead, after.BytesWritten - before.BytesWritten, after.Reads - before.Reads, after.Writes - before.Writes);

    /// <summary>"92 KiB written in 36 calls, 85 KiB read in 23 per msg".</summary>
    public string PerMessage(long messages) => string.Create(CultureInfo.InvariantCulture,
        $"{BytesWritten / 1024.0 / messages:N0} KiB written in {Writes / (double)messages:N0} calls, {BytesRead / 1024.0 / messages:N0} KiB read in {Reads / (double)messages:N0} per msg");
}
