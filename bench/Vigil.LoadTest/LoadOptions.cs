namespace Vigil.LoadTest;

internal sealed record LoadOptions(
    int Clients,
    TimeSpan Duration,
    TimeSpan Warmup,
    int Rate,
    int InFlightPerClient,
    Uri? Server,
    string? DataDirectory,
    bool MessagePack = false);
