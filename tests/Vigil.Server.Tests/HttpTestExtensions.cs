using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Vigil.Client;
using Vigil.Testing;

namespace Vigil.Server.Tests;

/// <summary>Raw HTTP for tests that must send what the SDK never would (malformed JSON, odd headers).</summary>
internal static class HttpTestExtensions
{
    public static async Task<HttpClient> RawClientAsync(this VigilServerFactory factory, VigilClient? signedIn = null)
    {
        var http = factory.CreateClient();
        if (signedIn is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await signedIn.GetAccessTokenAsync());
        }

        return http;
    }

    public static Task<HttpResponseMessage> PostRawJsonAsync(this HttpClient http, string path, string json) =>
        http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
