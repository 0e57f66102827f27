using Microsoft.Extensions.Time.Testing;
using Vigil.Contracts;
using Vigil.Testing;

namespace Vigil.Client.Tests;

public sealed class SessionTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly VigilServerFactory _factory;

    public SessionTests() => _factory = new VigilServerFactory(_time);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _factory.DisposeAsync().AsTask();

    [Fact]
    public async Task The_client_refreshes_an_expiring_access_token_by_itself()
    {
        var (client, _) = await _factory.UserAsync("steady");
        var before = await client.GetAccessTokenAsync();

        _time.Advance(TimeSpan.FromMinutes(9.8));
        var me = await client.GetMeAsync();

        Assert.Equal("steady", me.Username);
        Assert.NotEqual(before, await client.GetAccessTokenAsync());
    }

    [Fact]
    public async Task A_request_overtaken_by_a_refresh_goes_again_with_the_new_token()
    {
        await _factory.UserAsync("racer");
        using var race = new RefreshWhileInFlight(_factory.Server.CreateHandler(), _time);
        using var client = new VigilClient(_factory.Server.BaseAddress, race, _time);
        race.Client = client;
        await client.SignInAsync("racer", VigilServerFactory.UserPassword);

        var me = await client.GetMeAsync();

        Assert.Equal("racer", me.Username);
        Assert.Equal([System.Net.HttpStatusCode.Unauthorized, System.Net.HttpStatusCode.OK], race.MeStatuses);
    }

    [Fact]
    public async Task Refusals_carry_status_type_and_detail()
    {
        var (client, _) = await _factory.UserAsync("plain", VigilRoles.Researcher);

        var refused = await Assert.ThrowsAsync<VigilApiException>(() => client.ListUsersAsync());

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal(ProblemTypes.Forbidden, refused.ProblemType);
        Assert.True(refused.IsClientError);
    }

    /// <summary>Lets the first "me" request pick up its token, then refreshes the session before sending it on.</summary>
    private sealed class RefreshWhileInFlight(HttpMessageHandler inner, FakeTimeProvider time) : DelegatingHandler(inner)
    {
        private int _raced;

        public VigilClient? Client { get; set; }

        public List<System.Net.HttpStatusCode> MeStatuses { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var me = request.RequestUri!.AbsolutePath.EndsWith("/users/me", StringComparison.Ordinal);
            if (me && Interlocked.Exchange(ref _raced, 1) == 0)
            {
                time.Advance(TimeSpan.FromMinutes(9.8));
                await Client!.GetAccessTokenAsync(cancellationToken);
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (me)
            {
                MeStatuses.Add(response.StatusCode);
            }

            return response;
        }
    }
}
