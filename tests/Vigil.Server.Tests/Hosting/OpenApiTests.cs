using System.Net.Http.Json;
using System.Text.Json;
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
        await _factory.CreateClient().GetAsync("/health/ready");

        Assert.True(File.Exists(Path.Combine(_factory.DataDirectory, "vigil.db")));
    }
}
