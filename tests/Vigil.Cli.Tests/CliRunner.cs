namespace Vigil.Cli.Tests;

/// <summary>Runs the <c>vigil</c> command in process and captures what it prints and its exit code.</summary>
internal static class CliRunner
{
    public static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await VigilCommand.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
