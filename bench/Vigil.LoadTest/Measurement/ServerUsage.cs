using Vigil.LoadTest.Targets;

namespace Vigil.LoadTest.Measurement;

/// <summary>Server CPU time over a measured window: it does not depend on how fast the load generator is.</summary>
internal sealed class ServerUsage(Target target)
{
    private readonly TimeSpan _start = target.CpuTime;

    public TimeSpan Cpu => target.CpuTime - _start;

    public double MicrosecondsPer(long messages) => messages == 0 ? double.NaN : Cpu.TotalMicroseconds / messages;
}
