using System.Net;
using Vigil.Client;
using Vigil.Contracts;
using Vigil.Testing;

namespace Vigil.Server.Tests.Conversations;

public sealed class ConversationAccessTests : IAsyncLifetime
{
    private readonly VigilServerFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _factory.DisposeAsync().AsTask();

    [Fact]
    public async Task A_non_member_can_neither_read_nor_write_a_group()
    {
        var (alice, _) = await _factory.UserAsync("alice");
        var (_, bob) = await _factory.UserAsync("bob");
        var (mallory, _) = await _factory.UserAsync("mallory");
        var group = await alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Group, [bob.Id], "Site leads"));
        var sent = await alice.SendMessageAsync(group.Id, "Enrolment numbers for site 7");

        var read = await Assert.ThrowsAsync<VigilApiException>(() => mallory.GetMessagesAsync(group.Id));
        var write = await Assert.ThrowsAsync<VigilApiException>(() => mallory.SendMessageAsync(group.Id, "let me in"));
        var history = await Assert.ThrowsAsync<VigilApiException>(() => mallory.GetMessageHistoryAsync(sent.Id));
        var edit = await Assert.ThrowsAsync<VigilApiException>(() => mallory.EditMessageAsync(sent.Id, "x", "y"));

        Assert.All([read, write, history, edit], e => Assert.Equal(HttpStatusCode.Forbidden, e.Status));
        Assert.Equal(ProblemTypes.NotAMember, read.ProblemType);
    }

    [Fact]
    public async Task A_patient_conversation_does_not_reveal_its_existence_to_non_members()
    {
        var (clinician, _) = await _factory.UserAsync("drjones", VigilRoles.Clinician);
        var (_, patient) = await _factory.UserAsync("patient1", VigilRoles.Patient);
        var (outsider, _) = await _factory.UserAsync("outsider", VigilRoles.Clinician);
        var care = await clinician.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Patient, [patient.Id]));

        var read = await Assert.ThrowsAsync<VigilApiException>(() => outsider.GetMessagesAsync(care.Id));
        var get = await Assert.ThrowsAsync<VigilApiException>(() => outsider.GetConversationAsync(care.Id));

        Assert.Equal(HttpStatusCode.NotFound, read.Status);
        Assert.Equal(HttpStatusCode.NotFound, get.Status);
    }

    [Fact]
    public async Task A_patient_conversation_needs_exactly_one_patient()
    {
        var (clinician, _) = await _factory.UserAsync("drwho", VigilRoles.Clinician);
        var (_, nurse) = await _factory.UserAsync("nurse", VigilRoles.Clinician);

        var refused = await Assert.ThrowsAsync<VigilApiException>(() =>
            clinician.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Patient, [nurse.Id])));

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
    }

    [Fact]
    public async Task A_read_only_member_reads_but_cannot_send()
    {
        var (owner, _) = await _factory.UserAsync("owner");
        var (_, member) = await _factory.UserAsync("member");
        var (observer, observerUser) = await _factory.UserAsync("observer");
        var group = await owner.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Group, [member.Id]));
        await owner.AddMemberAsync(group.Id, observerUser.Id, MemberRoles.ReadOnly);
        await owner.SendMessageAsync(group.Id, "Protocol amendment approved");

        var refused = await Assert.ThrowsAsync<VigilApiException>(() => observer.SendMessageAsync(group.Id, "noted"));

        Assert.Single(await observer.GetMessagesAsync(group.Id));
        Assert.Equal(ProblemTypes.ReadOnlyMember, refused.ProblemType);
    }

    [Fact]
    public async Task A_direct_conversation_with_the_same_person_is_reused()
    {
        var (alice, aliceUser) = await _factory.UserAsync("alice");
        var (bob, bobUser) = await _factory.UserAsync("bob");

        var first = await alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Direct, [bobUser.Id]));
        var second = await bob.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Direct, [aliceUser.Id]));

        Assert.Equal(first.Id, second.Id);
    }

    [Fact]
    public async Task Unknown_member_ids_are_refused()
    {
        var (alice, _) = await _factory.UserAsync("alice");

        var refused = await Assert.ThrowsAsync<VigilApiException>(() =>
            alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Group, [Guid.NewGuid()])));

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
    }

    [Fact]
    public async Task Unknown_conversation_and_message_ids_are_404()
    {
        var (alice, _) = await _factory.UserAsync("alice");

        Assert.Equal(HttpStatusCode.NotFound, (await Assert.ThrowsAsync<VigilApiException>(() => alice.GetMessagesAsync(Guid.NewGuid()))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Assert.ThrowsAsync<VigilApiException>(() => alice.SendMessageAsync(Guid.NewGuid(), "x"))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Assert.ThrowsAsync<VigilApiException>(() => alice.EditMessageAsync(Guid.NewGuid(), "x", "y"))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Assert.ThrowsAsync<VigilApiException>(() => alice.DeleteMessageAsync(Guid.NewGuid(), "y"))).Status);
    }

    [Fact]
    public async Task Conversations_list_only_the_callers_own()
    {
        var (alice, _) = await _factory.UserAsync("alice");
        var (bob, bobUser) = await _factory.UserAsync("bob");
        var (carol, _) = await _factory.UserAsync("carol");
        var shared = await alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Direct, [bobUser.Id]));

        Assert.Equal([shared.Id], (await bob.ListConversationsAsync()).Select(c => c.Id));
        Assert.Empty(await carol.ListConversationsAsync());
    }
}
