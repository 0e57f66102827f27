using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Vigil.Client;
using Vigil.Contracts;

namespace Vigil.LoadTest.Scenarios;

/// <summary>
/// The real server in this process, on a data folder of its own (SQLite), for the scenarios that drive its
/// group-commit writer directly: no reminder scheduler, errors only in the log.
/// </summary>
internal static class InProcessVigil
{
    public static WebApplicationFactory<Program> Start(string folder)
    {
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_VIGIL_SERVER", AppContext.BaseDirectory);
        return new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Vigil:DataDirectory", folder);
            builder.UseSetting("Vigil:Patients:SchedulerEnabled", "false");
            builder.UseSetting("Logging:LogLevel:Default", "Error");
        });
    }

    /// <summary>The first administrator, signed in: the client (the caller disposes it) and the user.</summary>
    public static async Task<(VigilClient Admin, UserDto Me)> SetUpAsync(
        WebApplicationFactory<Program> factory, string userName, string password, CancellationToken cancellationToken)
    {
        var admin = new VigilClient(factory.Server.BaseAddress, factory.Server.CreateHandler());
        await admin.SetupAsync(new CreateUserRequest(userName, password, "Load bench", $"{userName}@example.org"), cancellationToken);
        await admin.SignInAsync(userName, password, cancellationToken: cancellationToken);
        return (admin, await admin.GetMeAsync(cancellationToken));
    }
}
