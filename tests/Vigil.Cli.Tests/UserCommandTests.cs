using Vigil.Client;
using Vigil.Contracts;
using Vigil.Testing;

namespace Vigil.Cli.Tests;

public sealed class UserCommandTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("vigil-cli-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS.
        }
    }

    [Fact]
    public async Task Migrate_creates_the_database_in_an_empty_folder()
    {
        var (code, output, _) = await CliRunner.RunAsync("db", "migrate", "--data-dir", _data);

        Assert.Equal(0, code);
        Assert.True(File.Exists(Path.Combine(_data, "vigil.db")));
        Assert.DoesNotContain("applied 0 migration", output, StringComparison.Ordinal);
        Assert.Contains("applied 0 migration", (await CliRunner.RunAsync("db", "migrate", "--data-dir", _data)).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_then_list_shows_the_user_and_roles()
    {
        var (code, _, _) = await CliRunner.RunAsync("user", "add", "drsmith", "--password", "Cl1nic-Passw0rd", "--email", "smith@example.org",
            "--display-name", "Dr Smith", "--role", "Clinician", "--role", "researcher", "--data-dir", _data);
        var (listCode, list, _) = await CliRunner.RunAsync("user", "list", "--data-dir", _data);

        Assert.Equal(0, code);
        Assert.Equal(0, listCode);
        Assert.Contains("drsmith", list, StringComparison.Ordinal);
        Assert.Contains("Clinician, Researcher", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_duplicate_user_is_one_line_on_stderr_and_exit_code_1()
    {
        await CliRunner.RunAsync("user", "add", "dup", "--password", "Cl1nic-Passw0rd", "--email", "d@example.org", "--data-dir", _data);

        var (code, _, error) = await CliRunner.RunAsync("user", "add", "dup", "--password", "Cl1nic-Passw0rd", "--email", "d@example.org", "--data-dir", _data);

        Assert.Equal(1, code);
        Assert.Equal("vigil: The username 'dup' is taken.", error.Trim());
    }

    [Theory]
    [InlineData("user", "add", "x1", "--password", "Cl1nic-Passw0rd", "--email", "x@example.org", "--role", "Wizard")]
    [InlineData("user", "add", "x2", "--password", "short", "--email", "x@example.org")]
    [InlineData("user", "add", "bad name!", "--password", "Cl1nic-Passw0rd", "--email", "x@example.org")]
    [InlineData("user", "add", "x3", "--password", "Cl1nic-Passw0rd", "--email", "not-an-email")]
    [InlineData("user", "disable", "nobody")]
    [InlineData("user", "role", "nobody")]
    public async Task Bad_input_exits_1_with_a_single_line_reason(params string[] args)
    {
        var (code, _, error) = await CliRunner.RunAsync([.. args, "--data-dir", _data]);

        Assert.Equal(1, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("vigil: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_required_option_is_a_usage_error()
    {
        var (code, _, error) = await CliRunner.RunAsync("user", "add", "someone", "--data-dir", _data);

        Assert.NotEqual(0, code);
        Assert.Contains("--email", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Role_and_disable_change_what_the_server_allows()
    {
        await CliRunner.RunAsync("user", "add", "root", "--password", VigilServerFactory.AdminPassword, "--email", "r@example.org", "--role", "Administrator", "--data-dir", _data);
        await CliRunner.RunAsync("user", "add", "temp", "--password", VigilServerFactory.UserPassword, "--email", "t@example.org", "--data-dir", _data);

        Assert.Equal(0, (await CliRunner.RunAsync("user", "role", "temp", "--add", "SafetyOfficer", "--data-dir", _data)).Code);
        Assert.Equal(0, (await CliRunner.RunAsync("user", "disable", "temp", "--data-dir", _data)).Code);

        await using var server = await ServerProcess.StartAsync(_data);
        using var admin = new VigilClient(server.Address);
        await admin.SignInAsync("root", VigilServerFactory.AdminPassword);
        var temp = (await admin.ListUsersAsync()).Single(u => u.Username == "temp");
        Assert.True(temp.Disabled);
        Assert.Equal([VigilRoles.SafetyOfficer], temp.Roles);
        using var blocked = new VigilClient(server.Address);
        await Assert.ThrowsAsync<VigilApiException>(() => blocked.SignInAsync("temp", VigilServerFactory.UserPassword));
    }

    [Fact]
    public async Task Users_can_be_managed_through_a_running_server()
    {
        await using var server = await ServerProcess.StartAsync(_data);
        using (var setup = new VigilClient(server.Address))
        {
            await setup.SetupAsync(new CreateUserRequest("root", VigilServerFactory.AdminPassword, "Root", "root@example.org"));
        }

        string[] remote = ["--server", server.Address.ToString(), "--admin", "root", "--admin-password", VigilServerFactory.AdminPassword];
        var (code, _, error) = await CliRunner.RunAsync(["user", "add", "nurse", "--password", VigilServerFactory.UserPassword, "--email", "n@example.org", "--role", "Clinician", .. remote]);
        var (listCode, list, _) = await CliRunner.RunAsync(["user", "list", .. remote]);
        var (wrongCode, _, wrongError) = await CliRunner.RunAsync(["user", "list", "--server", server.Address.ToString(), "--admin", "root", "--admin-password", "wrong"]);

        Assert.True(code == 0, error);
        Assert.Equal(0, listCode);
        Assert.Contains("nurse", list, StringComparison.Ordinal);
        Assert.Equal(1, wrongCode);
        Assert.Contains("wrong", wrongError, StringComparison.Ordinal);
    }
}
