using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Client;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Server.Hosting;
using Vigil.Server.Identity;

namespace Vigil.Cli;

/// <summary>Where user commands act: straight on a data folder (offline) or through a running server's API.</summary>
internal interface IUserTarget : IAsyncDisposable
{
    Task<UserDto> AddAsync(CreateUserRequest request, CancellationToken cancellationToken);

    Task<IReadOnlyList<UserDto>> ListAsync(CancellationToken cancellationToken);

    Task<UserDto> SetDisabledAsync(string user, bool disabled, CancellationToken cancellationToken);

    Task<UserDto> SetRolesAsync(string user, Func<IReadOnlyList<string>, IReadOnlyList<string>> change, CancellationToken cancellationToken);
}

/// <summary>The server's own data layer on a data folder: for first-time setup, recovery and scripted provisioning.</summary>
internal sealed class DataDirectoryTarget : IUserTarget
{
    private readonly ServiceProvider _services;

    private DataDirectoryTarget(ServiceProvider services) => _services = services;

    public IServiceProvider Services => _services;

    public static async Task<DataDirectoryTarget> OpenAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var services = BuildServices(dataDirectory);
        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken).ConfigureAwait(false);
        }

        return new DataDirectoryTarget(services);
    }

    /// <param name="database">
    /// Overrides the database (<c>Vigil:Database</c> and <c>Vigil:ConnectionString</c>); otherwise the environment's
    /// <c>Vigil__Database</c> and <c>Vigil__ConnectionString</c> apply, and SQLite in the data folder by default.
    /// </param>
    internal static ServiceProvider BuildServices(string dataDirectory, (string Provider, string? ConnectionString)? database = null)
    {
        var builder = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Vigil:DataDirectory"] = dataDirectory })
            .AddEnvironmentVariables();
        if (database is { } chosen)
        {
            builder.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Vigil:Database"] = chosen.Provider,
                ["Vigil:ConnectionString"] = chosen.ConnectionString,
            });
        }

        var configuration = builder.Build();
        var services = new ServiceCollection().AddVigilOffline(configuration);
        return services.BuildServiceProvider(validateScopes: true);
    }

    public async Task<UserDto> AddAsync(CreateUserRequest request, CancellationToken cancellationToken)
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserAdministration>().CreateAsync(request, null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<UserDto>> ListAsync(CancellationToken cancellationToken)
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserAdministration>().ListAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<UserDto> SetDisabledAsync(string user, bool disabled, CancellationToken cancellationToken)
    {
        await using var scope = _services.CreateAsyncScope();
        var admin = scope.ServiceProvider.GetRequiredService<UserAdministration>();
        var found = await admin.FindAsync(user, cancellationToken).ConfigureAwait(false);
        return await admin.SetDisabledAsync(found.Id, disabled, null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<UserDto> SetRolesAsync(string user, Func<IReadOnlyList<string>, IReadOnlyList<string>> change, CancellationToken cancellationToken)
    {
        await using var scope = _services.CreateAsyncScope();
        var admin = scope.ServiceProvider.GetRequiredService<UserAdministration>();
        var found = await admin.FindAsync(user, cancellationToken).ConfigureAwait(false);
        return await admin.SetRolesAsync(found.Id, change(found.Roles), null, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return _services.DisposeAsync();
    }
}

/// <summary>A running server, through the same SDK every other client uses; the caller signs in as an Administrator.</summary>
internal sealed class ServerTarget(VigilClient client) : IUserTarget
{
    public Task<UserDto> AddAsync(CreateUserRequest request, CancellationToken cancellationToken) =>
        client.CreateUserAsync(request, cancellationToken);

    public Task<IReadOnlyList<UserDto>> ListAsync(CancellationToken cancellationToken) => client.ListUsersAsync(cancellationToken);

    public async Task<UserDto> SetDisabledAsync(string user, bool disabled, CancellationToken cancellationToken)
    {
        var found = await FindAsync(user, cancellationToken).ConfigureAwait(false);
        return disabled
            ? await client.DisableUserAsync(found.Id, cancellationToken).ConfigureAwait(false)
            : await client.EnableUserAsync(found.Id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<UserDto> SetRolesAsync(string user, Func<IReadOnlyList<string>, IReadOnlyList<string>> change, CancellationToken cancellationToken)
    {
        var found = await FindAsync(user, cancellationToken).ConfigureAwait(false);
        return await client.SetRolesAsync(found.Id, change(found.Roles), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await Task.CompletedTask.ConfigureAwait(false);
        client.Dispose();
    }

    private async Task<UserDto> FindAsync(string user, CancellationToken cancellationToken)
    {
        var all = await client.ListUsersAsync(cancellationToken).ConfigureAwait(false);
        return all.FirstOrDefault(u => u.Id.ToString() == user || string.Equals(u.Username, user, StringComparison.OrdinalIgnoreCase))
            ?? throw new CliException($"no user '{user}'");
    }
}

/// <summary>A mistake the operator can fix; printed as one line, exit code 1.</summary>
internal sealed class CliException(string message) : Exception(message);
