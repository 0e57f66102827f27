using System.CommandLine;
using System.Net.Http;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Vigil.Client;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Server.Problems;

namespace Vigil.Cli;

/// <summary>The <c>vigil</c> command tree. Every failure is one line on stderr and a non-zero exit code.</summary>
internal static class VigilCommand
{
    private static readonly Option<string> DataDir = new("--data-dir")
    {
        Description = "Data folder to work on directly (offline). Default: ./data",
        DefaultValueFactory = _ => "data",
        Recursive = true,
    };

    private static readonly Option<string?> Server = new("--server")
    {
        Description = "Act through a running server's API instead of on a data folder, e.g. http://localhost:5080",
        Recursive = true,
    };

    private static readonly Option<string?> AdminUser = new("--admin")
    {
        Description = "Administrator username for --server (or VIGIL_ADMIN)",
        Recursive = true,
    };

    private static readonly Option<string?> AdminPassword = new("--admin-password")
    {
        Description = "Administrator password for --server (or VIGIL_ADMIN_PASSWORD; prefer the variable: arguments show in ps)",
        Recursive = true,
    };

    private static readonly Option<string?> AdminTotp = new("--admin-totp")
    {
        Description = "Administrator's current TOTP code, when enrolled",
        Recursive = true,
    };

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default, TextReader? input = null)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = output == Console.Out ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = output == Console.Out ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (output != Console.Out || Console.IsOutputRedirected)
        {
            console.Profile.Width = 160;
        }

        var root = new RootCommand("Vigil administration: database, users, ledger, keys, GDPR and FHIR.") { DataDir, Server, AdminUser, AdminPassword, AdminTotp };
        root.Subcommands.Add(Database(console, error));
        root.Subcommands.Add(Users(console, error));
        root.Subcommands.Add(LedgerCommands.Create(DataDir, console, error));
        root.Subcommands.Add(KeyCommands.Keys(DataDir, console, error));
        root.Subcommands.Add(SafetyCommands.Create(console, input ?? Console.In, output, error));
        root.Subcommands.Add(SafetyCommands.Phi(input ?? Console.In, output, error));
        root.Subcommands.Add(FhirCommands.Create(DataDir, Server, SignInAsync, console, output, error));
        root.Subcommands.Add(KeyCommands.Gdpr(DataDir, parse => parse.GetValue(Server) is null ? null : ServerUri(parse), SignInAsync, console, error));
        var parsed = root.Parse(args);
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken).ConfigureAwait(false);
    }

    private static Command Database(IAnsiConsole console, TextWriter error)
    {
        var migrate = new Command("migrate", "Create the database or bring it to the current schema (offline, on --data-dir).");
        migrate.SetAction((parse, ct) => Guarded(error, async () =>
        {
            var dataDir = parse.GetValue(DataDir)!;
            await using var services = DataDirectoryTarget.BuildServices(dataDir);
            await using var scope = services.CreateAsyncScope();
            IReadOnlyList<string> applied = [];
            await console.Status().StartAsync("Migrating…", async _ =>
                applied = await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(ct).ConfigureAwait(false))
                .ConfigureAwait(false);
            console.MarkupLineInterpolated($"Database at [bold]{Path.GetFullPath(dataDir)}[/] is current; applied {applied.Count} migration(s).");
            foreach (var name in applied)
            {
                console.MarkupLineInterpolated($"  {name}");
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }));
        return new Command("db", "Database maintenance.") { migrate, DatabaseCopyCommand.Create(console, error) };
    }

    private static Command Users(IAnsiConsole console, TextWriter error)
    {
        var username = new Argument<string>("username") { Description = "Sign-in name: letters, digits, '.', '_' and '-'" };
        var password = new Option<string?>("--password") { Description = "Initial password (or VIGIL_NEW_PASSWORD)" };
        var displayName = new Option<string?>("--display-name") { Description = "Name shown to colleagues (default: the username)" };
        var email = new Option<string>("--email") { Description = "E-mail address", Required = true };
        var roles = new Option<string[]>("--role") { Description = $"Role to grant, repeatable: {string.Join(", ", VigilRoles.All)}", AllowMultipleArgumentsPerToken = true };
        var add = new Command("add", "Create a user.") { username, password, displayName, email, roles };
        add.SetAction((parse, ct) => Guarded(error, async () =>
        {
            var secret = parse.GetValue(password) ?? Environment.GetEnvironmentVariable("VIGIL_NEW_PASSWORD")
                ?? throw new CliException("give --password or set VIGIL_NEW_PASSWORD");
            var name = parse.GetValue(username)!;
            await using var target = await OpenAsync(parse, ct).ConfigureAwait(false);
            var user = await target.AddAsync(new CreateUserRequest(
                name, secret, parse.GetValue(displayName) ?? name, parse.GetValue(email)!, parse.GetValue(roles) ?? []), ct).ConfigureAwait(false);
            console.MarkupLineInterpolated($"Created [bold]{user.Username}[/] ({user.Id}) with roles [[{string.Join(", ", user.Roles)}]].");
        }));

        var list = new Command("list", "List users with roles and status.");
        list.SetAction((parse, ct) => Guarded(error, async () =>
        {
            await using var target = await OpenAsync(parse, ct).ConfigureAwait(false);
            var table = new Table().AddColumns("Username", "Display name", "Roles", "Status", "2FA", "Id");
            foreach (var user in await target.ListAsync(ct).ConfigureAwait(false))
            {
                table.AddRow(Markup.Escape(user.Username), Markup.Escape(user.DisplayName), Markup.Escape(string.Join(", ", user.Roles)),
                    user.Disabled ? "disabled" : "active", user.TwoFactorEnabled ? "yes" : "no", user.Id.ToString());
            }

            console.Write(table);
        }));

        var who = new Argument<string>("user") { Description = "Username or id" };
        var disable = new Command("disable", "Disable a user and end all their sessions.") { who };
        disable.SetAction((parse, ct) => Guarded(error, async () =>
        {
            await using var target = await OpenAsync(parse, ct).ConfigureAwait(false);
            var user = await target.SetDisabledAsync(parse.GetValue(who)!, true, ct).ConfigureAwait(false);
            console.MarkupLineInterpolated($"Disabled [bold]{user.Username}[/].");
        }));
        var enable = new Command("enable", "Enable a disabled user.") { who };
        enable.SetAction((parse, ct) => Guarded(error, async () =>
        {
            await using var target = await OpenAsync(parse, ct).ConfigureAwait(false);
            var user = await target.SetDisabledAsync(parse.GetValue(who)!, false, ct).ConfigureAwait(false);
            console.MarkupLineInterpolated($"Enabled [bold]{user.Username}[/].");
        }));

        var grant = new Option<string[]>("--add") { Description = "Role to add, repeatable", AllowMultipleArgumentsPerToken = true };
        var revoke = new Option<string[]>("--remove") { Description = "Role to remove, repeatable", AllowMultipleArgumentsPerToken = true };
        var role = new Command("role", "Add or remove roles.") { who, grant, revoke };
        role.SetAction((parse, ct) => Guarded(error, async () =>
        {
            var toAdd = parse.GetValue(grant) ?? [];
            var toRemove = parse.GetValue(revoke) ?? [];
            if (toAdd.Length == 0 && toRemove.Length == 0)
            {
                throw new CliException("give --add ROLE and/or --remove ROLE");
            }

            await using var target = await OpenAsync(parse, ct).ConfigureAwait(false);
            var user = await target.SetRolesAsync(parse.GetValue(who)!, current =>
                [.. current.Where(r => !toRemove.Contains(r, StringComparer.OrdinalIgnoreCase)).Concat(toAdd).Distinct(StringComparer.OrdinalIgnoreCase)],
                ct).ConfigureAwait(false);
            console.MarkupLineInterpolated($"[bold]{user.Username}[/] now has roles [[{string.Join(", ", user.Roles)}]].");
        }));

        return new Command("user", "Manage users.") { add, list, disable, enable, role };
    }

    private static Uri ServerUri(ParseResult parse)
    {
        var serverText = parse.GetValue(Server)!;
        return Uri.TryCreate(serverText, UriKind.Absolute, out var server) && server.Scheme is "http" or "https"
            ? server
            : throw new CliException($"--server must be an http(s) URL, not '{serverText}'");
    }

    /// <summary>Signs in to --server with --admin / --admin-password (the account needs the roles the command needs).</summary>
    private static async Task<VigilClient> SignInAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var server = ServerUri(parse);
        var admin = parse.GetValue(AdminUser) ?? Environment.GetEnvironmentVariable("VIGIL_ADMIN")
            ?? throw new CliException("--server needs --admin (or VIGIL_ADMIN)");
        var password = parse.GetValue(AdminPassword) ?? Environment.GetEnvironmentVariable("VIGIL_ADMIN_PASSWORD")
            ?? throw new CliException("--server needs --admin-password (or VIGIL_ADMIN_PASSWORD)");
        var client = new VigilClient(server);
        try
        {
            await client.SignInAsync(admin, password, parse.GetValue(AdminTotp), cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static async Task<IUserTarget> OpenAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        if (parse.GetValue(Server) is not null)
        {
            return new ServerTarget(await SignInAsync(parse, cancellationToken).ConfigureAwait(false));
        }

        return await DataDirectoryTarget.OpenAsync(parse.GetValue(DataDir)!, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Turns every expected failure into one line on stderr and exit code 1.</summary>
    internal static async Task<int> Guarded(TextWriter error, Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
            return 0;
        }
        catch (Exception exception) when (exception is CliException or ProblemException or VigilApiException or HttpRequestException
                                              or UnauthorizedAccessException or IOException or Microsoft.Data.Sqlite.SqliteException)
        {
            var detail = exception switch
            {
                VigilApiException api => api.Detail ?? api.Message,
                HttpRequestException http => $"cannot reach the server ({http.Message})",
                _ => exception.Message,
            };
            await error.WriteLineAsync($"vigil: {detail.ReplaceLineEndings(" ")}").ConfigureAwait(false);
            return 1;
        }
    }
}
