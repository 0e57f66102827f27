namespace Vigil.Cli.Tests;

/// <summary>Runs the <c>vigil</c> command in process and captures what it prints and its exit code.</summary>
internal static class CliRunner
{
    public static Task<(int Code, string Output, string Error)> RunAsync(params string[] args) => RunWithInputAsync("", args);

    /// <summary>Runs the command with <paramref name="input"/> as its standard input.</summary>
    public static async Task<(int Code, string Output, string Error)> RunWithInputAsync(string input, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var reader = new StringReader(input);
        var code = await VigilCommand.RunAsync(args, output, error, input: reader);
        return (code, output.ToString(), error.ToString());
    }
}
