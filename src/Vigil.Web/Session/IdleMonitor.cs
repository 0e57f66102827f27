namespace Vigil.Web.Session;

/// <summary>
/// Automatic log-off (HIPAA §164.312(a)(2)(iii)) in the browser: after the server's idle limit without a key press,
/// click, scroll or touch, the tab signs out; a warning shows a minute before (half the limit when it is shorter than
/// two minutes). The server ends the session by itself too; this makes the screen follow and hides what it showed.
/// </summary>
public sealed class IdleMonitor(AppSession session, BrowserBridge browser, Chat.ChatState chat) : IAsyncDisposable
{
    private CancellationTokenSource? _loop;

    /// <summary>Seconds left before sign-out while the warning shows; null otherwise.</summary>
    public int? SecondsLeft { get; private set; }

    public event Action? Changed;

    /// <summary>Raised once when the limit is reached and the tab signed out.</summary>
    public event Action? SignedOut;

    public static TimeSpan WarningLead(TimeSpan limit) =>
        limit >= TimeSpan.FromMinutes(2) ? TimeSpan.FromMinutes(1) : limit / 2;

    /// <summary>Colleagues see "away" after this long without use: five minutes, or a quarter of a shorter limit.</summary>
    public static TimeSpan AwayAfter(TimeSpan limit) =>
        limit >= TimeSpan.FromMinutes(20) ? TimeSpan.FromMinutes(5) : limit / 4;

    public async Task StartAsync()
    {
        if (_loop is not null || session.Config is not { } config)
        {
            return;
        }

        await browser.InvokeVoidAsync("startActivityTracking");
        await browser.InvokeVoidAsync("markActivity");
        _loop = new CancellationTokenSource();
        _ = WatchAsync(TimeSpan.FromSeconds(config.IdleTimeoutSeconds), _loop.Token);
    }

    public async Task StayAsync()
    {
        await browser.InvokeVoidAsync("markActivity");
        SecondsLeft = null;
        Changed?.Invoke();
        await KeepServerSessionAsync();
    }

    public void Stop()
    {
        _loop?.Cancel();
        _loop?.Dispose();
        _loop = null;
        SecondsLeft = null;
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    private async Task KeepServerSessionAsync()
    {
        try
        {
            await session.RefreshMeAsync();
        }
        catch (Vigil.Client.VigilApiException refusal) when (refusal.Status == System.Net.HttpStatusCode.Unauthorized)
        {
            Stop();
            session.SessionEnded("expired");
        }
        catch (HttpRequestException)
        {
            // Offline for a moment; the next tick tries again.
        }
    }

    private async Task WatchAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        var lead = WarningLead(limit);
        var keepAliveEvery = limit / 3;
        var sinceKeepAlive = TimeSpan.Zero;
        var away = false;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var idle = TimeSpan.FromMilliseconds(await browser.InvokeAsync<double>("millisecondsSinceActivity"));
                if (idle >= limit)
                {
                    Stop();
                    await session.SignOutAsync("idle");
                    SignedOut?.Invoke();
                    return;
                }

                // The server counts idleness from the last request; reading and typing make none, so a tab in use
                // tells the server now and then (never while the user is away).
                sinceKeepAlive += TimeSpan.FromSeconds(1);
                if (sinceKeepAlive >= keepAliveEvery && idle < keepAliveEvery)
                {
                    sinceKeepAlive = TimeSpan.Zero;
                    await KeepServerSessionAsync();
                }

                if (idle >= AwayAfter(limit) != away)
                {
                    away = !away;
                    await chat.SetAwayAsync(away);
                }

                int? left = idle >= limit - lead ? (int)Math.Ceiling((limit - idle).TotalSeconds) : null;
                if (left != SecondsLeft)
                {
                    SecondsLeft = left;
                    Changed?.Invoke();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped: signed out by hand or the page is closing.
        }
    }
}
