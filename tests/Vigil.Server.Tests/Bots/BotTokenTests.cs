using System.Net;
using Vigil.Client;
using Vigil.Contracts;
using Vigil.Testing;

namespace Vigil.Server.Tests.Bots;

public sealed class BotTokenTests
{
    [Fact]
    public async Task A_bot_token_does_only_what_its_scopes_allow_and_its_messages_are_automated()
    {
        await using var factory = new VigilServerFactory();
        var (admin, _) = await factory.AdminAsync();
        var (clinician, _) = await factory.UserAsync("dr", VigilRoles.Clinician);
        using (admin)
        using (clinician)
        {
            var reader = await admin.CreateBotAsync(new CreateBotRequest("Digest bot", ["conversations:read", "messages:read"]));
            var writer = await admin.CreateBotAsync(new CreateBotRequest("Notifier", ["messages:write"]));
            Assert.StartsWith("vbt_", reader.Token, StringComparison.Ordinal);
            var channel = await clinician.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Channel, [reader.UserId, writer.UserId], "Ops"));
            await clinician.SendMessageAsync(channel.Id, "Deploy at 6");

            using var readerBot = factory.CreateVigilClient();
            readerBot.UseBotToken(reader.Token);
            Assert.Single(await readerBot.GetMessagesAsync(channel.Id));
            Assert.Contains(await readerBot.ListConversationsAsync(), c => c.Id == channel.Id);
            var cannotWrite = await Assert.ThrowsAsync<VigilApiException>(() => readerBot.SendMessageAsync(channel.Id, "hello"));
            Assert.Equal(HttpStatusCode.Forbidden, cannotWrite.Status);
            Assert.Contains("messages:write", cannotWrite.Detail, StringComparison.Ordinal);
            var notForBots = await Assert.ThrowsAsync<VigilApiException>(() => readerBot.ListUsersAsync());
            Assert.Equal(HttpStatusCode.Forbidden, notForBots.Status);

            using var writerBot = factory.CreateVigilClient();
            writerBot.UseBotToken(writer.Token);
            var posted = await writerBot.SendMessageAsync(channel.Id, "Build 1234 is green.");
            Assert.True(posted.Automated);
            Assert.True((await clinician.GetMessagesAsync(channel.Id)).Single(m => m.Id == posted.Id).Automated);
            Assert.False((await clinician.GetMessagesAsync(channel.Id)).First().Automated);

            using var stranger = factory.CreateVigilClient();
            stranger.UseBotToken("vbt_not-a-token");
            var refused = await Assert.ThrowsAsync<VigilApiException>(() => stranger.GetMessagesAsync(channel.Id));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
            var badScope = await Assert.ThrowsAsync<VigilApiException>(() => admin.CreateBotAsync(new CreateBotRequest("x", ["admin:*"])));
            Assert.Equal(HttpStatusCode.BadRequest, badScope.Status);
        }
    }
}
