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
    public async Task Refusals_carry_status_type_and_detail()
    {
        var (client, _) = await _factory.UserAsync("plain", VigilRoles.Researcher);

        var refused = await Assert.ThrowsAsync<VigilApiException>(() => client.ListUsersAsync());

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal(ProblemTypes.Forbidden, refused.ProblemType);
        Assert.True(refused.IsClientError);
    }
}
