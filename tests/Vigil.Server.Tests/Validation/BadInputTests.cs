using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Vigil.Client;
using Vigil.Contracts;
using Vigil.Testing;

namespace Vigil.Server.Tests.Validation;

/// <summary>Client mistakes get a clear 4xx ProblemDetails, never a 500, and never change what is stored.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private readonly VigilServerFactory _factory = new();
    private VigilClient _alice = null!;
    private HttpClient _http = null!;
    private ConversationDto _conversation = null!;

    private string MessagesPath => $"/api/v1/conversations/{_conversation.Id}/messages";

    public async Task InitializeAsync()
    {
        (_alice, _) = await _factory.UserAsync("alice");
        var (_, bob) = await _factory.UserAsync("bob");
        _conversation = await _alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Direct, [bob.Id]));
        _http = await _factory.RawClientAsync(_alice);
    }

    public async Task DisposeAsync()
    {
        _alice.Dispose();
        await _factory.DisposeAsync();
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"clientMessageId\": 5, \"body\": []}")]
    [InlineData("[1,2,3]")]
    [InlineData("not json at all")]
    [InlineData("{\"clientMessageId\":\"a\",\"body\":\"\\ud800\"}")]
    [InlineData("{\"clientMessageId\":\"a\",\"body\":\"trailing\"},")]
    public async Task Malformed_json_is_a_400_problem(string json)
    {
        var response = await _http.PostRawJsonAsync(MessagesPath, json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await response.ProblemAsync();
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Invalid_utf8_bytes_are_a_400_problem()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"clientMessageId\":\"a\",\"body\":\"X\"}");
        bytes[^3] = 0xC3; // a lead byte with no continuation
        var response = await _http.PostAsync(MessagesPath, new ByteArrayContent(bytes) { Headers = { ContentType = new("application/json") } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task An_oversize_body_is_refused_with_a_clear_413()
    {
        var response = await _http.PostAsJsonAsync(MessagesPath, new SendMessageRequest("big", new string('x', 16_001)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await response.ProblemAsync();
        Assert.Equal(ProblemTypes.BodyTooLarge, problem.GetProperty("type").GetString());
        Assert.Contains("16000", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_body_at_the_limit_is_accepted()
    {
        var sent = await _alice.SendMessageAsync(_conversation.Id, new string('x', 16_000));

        Assert.Equal(16_000, sent.Body!.Length);
    }

    [Theory]
    [InlineData("bell\u0007")]
    [InlineData("nul\u0000byte")]
    [InlineData("escape\u001b[31m")]
    public async Task Control_characters_are_refused(string body)
    {
        var response = await _http.PostAsJsonAsync(MessagesPath, new SendMessageRequest("ctl", body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("control", (await response.ProblemAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Line_breaks_and_tabs_are_kept()
    {
        var sent = await _alice.SendMessageAsync(_conversation.Id, "line 1\r\n\tline 2\n");

        Assert.Equal("line 1\r\n\tline 2\n", sent.Body);
    }

    [Fact]
    public async Task A_reversed_surrogate_pair_is_refused()
    {
        var response = await _http.PostRawJsonAsync(MessagesPath, "{\"clientMessageId\":\"s\",\"body\":\"x\\udc00\\ud800\"}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task An_escaped_surrogate_pair_round_trips()
    {
        var response = await _http.PostRawJsonAsync(MessagesPath, "{\"clientMessageId\":\"s\",\"body\":\"pill \\ud83d\\udc8a\"}");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("pill \U0001F48A", Assert.Single(await _alice.GetMessagesAsync(_conversation.Id)).Body);
    }

    [Fact]
    public async Task A_50_kb_username_is_refused_with_a_clear_message()
    {
        var (admin, _) = await _factory.AdminAsync();
        var adminHttp = await _factory.RawClientAsync(admin);

        var response = await adminHttp.PostAsJsonAsync("/api/v1/users",
            new CreateUserRequest(new string('u', 50_000), VigilServerFactory.UserPassword, "Long", "long@example.org"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("username", (await response.ProblemAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_50_kb_username_at_sign_in_is_a_plain_401()
    {
        var response = await _factory.CreateClient().PostAsJsonAsync("/api/v1/auth/token", new TokenRequest(new string('u', 50_000), "x"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("bad kind", "[]")]
    [InlineData("direct", "[]")]
    [InlineData("group", "\"not-an-array\"")]
    public async Task Bad_conversation_requests_are_4xx(string kind, string members)
    {
        var response = await _http.PostRawJsonAsync("/api/v1/conversations", $"{{\"kind\":\"{kind}\",\"memberIds\":{members}}}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await response.ProblemAsync();
    }

    [Fact]
    public async Task A_negative_page_limit_is_a_400()
    {
        var response = await _http.GetAsync($"{MessagesPath}?limit=-1");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_non_numeric_sequence_is_a_400()
    {
        var response = await _http.GetAsync($"{MessagesPath}?after=abc");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Every_naughty_string_round_trips_unchanged_or_is_refused_clearly()
    {
        var naughty = JsonSerializer.Deserialize<List<string>>(await File.ReadAllTextAsync(RepositoryPaths.SharedData("naughty-strings", "blns.json")))!;
        var stored = 0;
        for (var i = 0; i < naughty.Count; i++)
        {
            var response = await _http.PostAsJsonAsync(MessagesPath, new SendMessageRequest($"blns-{i}", naughty[i]));
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.BadRequest,
                $"string #{i} got {(int)response.StatusCode}");
            if (response.StatusCode == HttpStatusCode.Created)
            {
                var message = await response.Content.ReadFromJsonAsync<MessageDto>();
                var readBack = await _alice.GetMessagesAsync(_conversation.Id, after: message!.Sequence - 1, limit: 1);
                Assert.Equal(naughty[i], Assert.Single(readBack).Body);
                stored++;
            }
            else
            {
                Assert.False(string.IsNullOrEmpty((await response.ProblemAsync()).GetProperty("detail").GetString()));
            }
        }

        Assert.True(stored > naughty.Count * 9 / 10, $"only {stored} of {naughty.Count} stored");
    }

    [Fact]
    public async Task Naughty_strings_as_usernames_never_cause_a_server_error()
    {
        var (admin, _) = await _factory.AdminAsync();
        var adminHttp = await _factory.RawClientAsync(admin);
        var naughty = JsonSerializer.Deserialize<List<string>>(await File.ReadAllTextAsync(RepositoryPaths.SharedData("naughty-strings", "blns.json")))!;

        foreach (var text in naughty.Take(200))
        {
            var response = await adminHttp.PostAsJsonAsync("/api/v1/users",
                new CreateUserRequest(text, VigilServerFactory.UserPassword, text, "n@example.org"));
            Assert.True((int)response.StatusCode < 500, $"'{text}' got {(int)response.StatusCode}");
        }
    }

    private async Task AssertNothingStoredAsync() => Assert.Empty(await _alice.GetMessagesAsync(_conversation.Id, after: 0));
}
