namespace Vigil.LoadTest;

/// <summary>How big each scenario is: the full run (manual) or the smoke run that CI does in under 3 minutes.</summary>
internal sealed record Profile(
    int IngestClients,
    int IngestSeconds,
    int IngestWarmUpSeconds,
    int RoundTripClients,
    int[] RoundTripRates,
    int RoundTripSeconds,
    int RoundTripWarmUpSeconds,
    int FanOutMembers,
    int FanOutMessages,
    int SmallGroups,
    TimeSpan SmallGroupInterval,
    int[] ConnectionSteps,
    int ConnectionUsers,
    TimeSpan ConnectionSettle,
    int HistoryMessages,
    int HistoryRequests,
    int HistoryWarmUpSeconds,
    TimeSpan CeilingWindow,
    int StormConnections,
    int StormUsers)
{
    public static Profile Full { get; } = new(
        IngestClients: 200,
        IngestSeconds: 15,
        IngestWarmUpSeconds: 300,
        RoundTripClients: 2000,
        RoundTripRates: [500, 1000, 2000, 4000, 8000],
        RoundTripSeconds: 15,
        RoundTripWarmUpSeconds: 180,
        FanOutMembers: 1000,
        FanOutMessages: 50,
        SmallGroups: 100,
        SmallGroupInterval: TimeSpan.FromSeconds(1),
        ConnectionSteps: [5000, 10_000, 15_000],
        ConnectionUsers: 100,
        ConnectionSettle: TimeSpan.FromSeconds(2),
        HistoryMessages: 1_000_000,
        HistoryRequests: 1000,
        HistoryWarmUpSeconds: 60,
        CeilingWindow: TimeSpan.FromSeconds(3),
        StormConnections: 5000,
        StormUsers: 1000);

    public static Profile Smoke { get; } = new(
        IngestClients: 40,
        IngestSeconds: 2,
        IngestWarmUpSeconds: 2,
        RoundTripClients: 60,
        RoundTripRates: [300],
        RoundTripSeconds: 3,
        RoundTripWarmUpSeconds: 1,
        FanOutMembers: 60,
        FanOutMessages: 10,
        SmallGroups: 6,
        // Six groups of ten drain in milliseconds; a second between rounds only made CI wait.
        SmallGroupInterval: TimeSpan.FromMilliseconds(200),
        ConnectionSteps: [300],
        // The users the other scenarios signed in already: each new one costs the server two password hashes.
        ConnectionUsers: 60,
        ConnectionSettle: TimeSpan.FromSeconds(1),
        HistoryMessages: 10_000,
        HistoryRequests: 300,
        HistoryWarmUpSeconds: 3,
        CeilingWindow: TimeSpan.FromSeconds(1),
        StormConnections: 200,
        StormUsers: 40);
}
