using Microsoft.Extensions.Options;

namespace Vigil.Server.Hosting;

/// <summary>The resolved, created data folder; every file Vigil keeps lives under it.</summary>
public sealed class DataDirectory
{
    public DataDirectory(IOptions<VigilOptions> options)
        : this(options.Value.DataDirectory)
    {
    }

    public DataDirectory(string path)
    {
        Root = Path.GetFullPath(path);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string DatabasePath => Path.Combine(Root, "vigil.db");

    public string Combine(params string[] parts) => Path.Combine([Root, .. parts]);
}
