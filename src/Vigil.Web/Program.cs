using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using Vigil.Client;
using Vigil.Web.Chat;
using Vigil.Web.Session;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(_ => new VigilClient(new Uri(builder.HostEnvironment.BaseAddress)));
builder.Services.AddSingleton<BrowserBridge>();
builder.Services.AddSingleton<AppSession>();
builder.Services.AddSingleton<IdleMonitor>();
builder.Services.AddSingleton<ChatState>();
await builder.Build().RunAsync();
