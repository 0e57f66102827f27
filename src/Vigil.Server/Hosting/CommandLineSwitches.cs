namespace Vigil.Server.Hosting;

/// <summary>Friendly command-line switches mapped onto configuration keys.</summary>
public static class CommandLineSwitches
{
    public static IDictionary<string, string> Mappings { get; } = new Dictionary<string, string>
    {
        ["--data-dir"] = "Vigil:DataDirectory",
    };
}
