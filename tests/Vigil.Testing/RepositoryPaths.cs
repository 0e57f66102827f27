namespace Vigil.Testing;

/// <summary>Finds the repository and the shared test data beside it (<c>../shared</c> from the repository root).</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string SharedData(params string[] parts) =>
        Path.GetFullPath(Path.Combine([Root, "..", "shared", "data", .. parts]));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Vigil.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Vigil.slnx not found above " + AppContext.BaseDirectory);
    }
}
