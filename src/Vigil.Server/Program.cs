using Microsoft.AspNetCore.Http.Json;
using Vigil.Server.Attachments;
using Vigil.Server.Bots;
using Vigil.Server.Compliance;
using Vigil.Server.Conversations;
using Vigil.Server.Data;
using Vigil.Server.Fhir;
using Vigil.Server.Hosting;
using Vigil.Server.Identity;
using Vigil.Server.Keys;
using Vigil.Server.Ledger;
using Vigil.Server.Messaging;
using Vigil.Server.Patients;
using Vigil.Server.Problems;
using Vigil.Server.Realtime;
using Vigil.Server.Reminders;
using Vigil.Server.Safety;
using Vigil.Server.Search;
using Vigil.Server.Signatures;
using Vigil.Server.Web;
using Vigil.Server.Webhooks;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddCommandLine(args, CommandLineSwitches.Mappings);
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"])
    && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_URLS")))
{
    builder.WebHost.UseUrls("http://localhost:5080");
}

// The web client's files: from wwwroot when published, from the build's manifest when run from the build output
// (`dotnet run` or tests) whatever the environment.
builder.WebHost.UseStaticWebAssets();
builder.WebHost.UseVigilConnectionLimits(builder.Configuration);

builder.Services.AddHostedService<MigrateOnStart>();
builder.Services.AddVigilPersistence(builder.Configuration);
builder.Services.AddVigilProblems();
builder.Services.AddVigilIdentity();
builder.Services.AddVigilLedger();
builder.Services.AddVigilKeys();
builder.Services.AddVigilCompliance();
builder.Services.AddVigilConversations();
builder.Services.AddVigilMessaging();
builder.Services.AddVigilSearch();
builder.Services.AddVigilAttachments();
builder.Services.AddVigilRealtime(builder.Configuration);
builder.Services.AddVigilPatients();
builder.Services.AddVigilSafety();
builder.Services.AddVigilWebhooks();
builder.Services.AddVigilBots();
builder.Services.AddVigilWebClient();
builder.Services.AddOpenApi();
builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
builder.Services.Configure<JsonOptions>(options => options.SerializerOptions.MaxDepth = 32);

var app = builder.Build();
app.UseVigilSecurityHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseMiddleware<BotScopeMiddleware>();
app.UseAuthorization();
app.UseAntiforgery();

app.MapOpenApi().AllowAnonymous();
app.MapHealth();
app.MapVigilIdentity();
app.MapVigilLedger();
app.MapCompliance();
app.MapSignatures();
app.MapConversations();
app.MapMessaging();
app.MapVigilSearch();
app.MapAttachments();
app.MapVigilRealtime();
app.MapPatients();
app.MapReminders();
app.MapFhir();
app.MapSafety();
app.MapPhiGuard();
app.MapWebhooks();
app.MapIncomingWebhooks();
app.MapBots();
app.MapVigilWebClient();

await app.RunAsync();

/// <summary>The entry point, visible to integration tests.</summary>
public partial class Program;
