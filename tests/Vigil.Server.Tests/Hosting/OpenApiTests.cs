using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Testing;

namespace Vigil.Server.Tests.Hosting;

public sealed class OpenApiTests : IAsyncLifetime
{
    private readonly VigilServerFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _factory.DisposeAsync().AsTask();

    [Fact]
    public async Task The_openapi_document_describes_the_public_routes()
    {
        var document = await _factory.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");

        foreach (var path in new[]
                 {
                     "/api/v1/setup", "/api/v1/auth/token", "/api/v1/users", "/api/v1/conversations",
                     "/api/v1/conversations/{conversationId}/messages", "/api/v1/messages/{id}", "/api/v1/messages/{id}/history",
                 })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} missing");
        }
    }

    [Fact]
    public async Task Health_probes_answer_without_a_token()
    {
        var http = _factory.CreateClient();

        Assert.True((await http.GetAsync("/health/live")).IsSuccessStatusCode);
        Assert.True((await http.GetAsync("/health/ready")).IsSuccessStatusCode);
    }

    [Fact]
    public async Task An_empty_data_folder_becomes_a_migrated_database()
    {
        var ready = await _factory.CreateClient().GetAsync("/health/ready");

        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Vigil.Server.Data.VigilDbContext>();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.NotEmpty(await db.Database.GetAppliedMigrationsAsync());
        if (TestDatabase.IsPostgres)
        {
            Assert.IsType<Vigil.Server.Data.Postgres.PostgresVigilDbContext>(db);
        }
        else
        {
            Assert.True(File.Exists(Path.Combine(_factory.DataDirectory, "vigil.db")));
        }
    }
}
