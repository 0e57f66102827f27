using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Vigil.LoadTest.Connections;
using Vigil.Testing;

namespace Vigil.LoadTest.Targets;

/// <summary>
/// An XMPP server from Debian's packages (prosody, ejabberd) with its message archive (XEP-0313) on, in a fresh
/// temporary folder on a free loopback port, pinned to the servers' CPUs like every other server. Only the one-to-one
/// round trip is compared (the stretch goal): each pair of members is a pair of accounts messaging each other.
/// </summary>
internal abstract class XmppTarget : Target
{
    private const string Domain = "localhost";
    private const string Password = "load-test-password";
    private Process? _process;
    private OutputTail? _output;
    private int _prepared;

    protected XmppTarget(string package)
    {
        Package = package;
        Folder = Directory.CreateTempSubdirectory($"vigil-load-{package}-").FullName;
        Port = ServerProcess.FreePort();
        Name = $"{package} {PackageVersion(package)} (archive on)";
    }

    /// <summary>The Debian package, which is also the column's name with its version.</summary>
    protected string Package { get; }

    protected string Folder { get; }

    protected int Port { get; }

    public override string Name { get; }

    public override IReadOnlyList<ServerProcess> Processes => [];

    /// <summary>CPU time of the server's process tree (ejabberd's scripts start the Erlang VM as a child).</summary>
    public override TimeSpan CpuTime => TimeSpan.FromSeconds(Tree().Sum(ProcessCpuTicks) / 100.0);

    public override long ResidentBytes => Tree().Sum(pid => ServerProcess.ResidentBytesOf(pid) ?? 0);

    public override bool Supports(string scenario) => scenario == "roundtrip";

    /// <summary>Writes the server's configuration into <see cref="Folder"/> and returns the command that runs it in the foreground.</summary>
    protected abstract string[] Configure();

    public override async Task StartAsync()
    {
        var command = Configure();
        var start = new ProcessStartInfo(Pinning.ServerCpus is null ? command[0] : "taskset")
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (Pinning.ServerCpus is null ? command[1..] : ["-c", Pinning.ServerCpus, .. command]))
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException($"{Package} did not start");
        _output = OutputTail.Of(_process);

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Package} exited with code {_process.ExitCode}: {_output}");
            }

            try
            {
                // Ready when an account can be registered, not when the port is open: the modules must be up too.
                await XmppConnection.RegisterAsync(Endpoint, Domain, "ready", Password, CancellationToken.None);
                break;
            }
            catch (Exception e) when ((e is SocketException or IOException or InvalidOperationException or System.Xml.XmlException) && deadline.Elapsed < TimeSpan.FromSeconds(90))
            {
                await Task.Delay(200);
            }
        }

        await CheckArchiveAsync();
    }

    /// <summary>
    /// The comparison is with the archive on: one message from one account to another must be in the receiver's
    /// archive (XEP-0313), or the run fails before measuring anything.
    /// </summary>
    private async Task CheckArchiveAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var prepared = await PrepareAsync(Topology.Pairs(2), timeout.Token);
        var sender = prepared.Connect(0);
        var receiver = (XmppConnection)prepared.Connect(1);
        await using (sender)
        await using (receiver)
        {
            var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            receiver.Received = (_, _) => received.TrySetResult();
            await sender.StartAsync(timeout.Token);
            await receiver.StartAsync(timeout.Token);
            await sender.SendAsync(prepared.GroupKeys[0], "0:archive-check", timeout.Token);
            await received.Task.WaitAsync(timeout.Token);
            for (var attempt = 0; ; attempt++)
            {
                if (await receiver.ArchivedAsync(timeout.Token) >= 1)
                {
                    return;
                }

                if (attempt == 10)
                {
                    throw new InvalidOperationException($"{Name} did not archive a delivered message: is its archive (XEP-0313) off?");
                }

                await Task.Delay(200, timeout.Token);
            }
        }
    }

    public override async Task<Prepared> PrepareAsync(Topology topology, CancellationToken cancellationToken)
    {
        var run = Interlocked.Increment(ref _prepared);
        var users = Enumerable.Range(0, topology.Members).Select(m => $"r{run}m{m}").ToArray();
        var done = 0;
        await Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (user, ct) =>
        {
            await XmppConnection.RegisterAsync(Endpoint, Domain, user, Password, ct);
            if (Interlocked.Increment(ref done) % 500 == 0)
            {
                Console.Error.Write($"\r  registered {done}/{users.Length} ");
            }
        });
        Console.Error.Write("\r");

        var keys = topology.Groups.Select((_, i) => $"r{run}g{i}").ToList();
        var peersOf = Enumerable.Range(0, topology.Members).Select(_ => new Dictionary<string, string>(StringComparer.Ordinal)).ToArray();
        for (var g = 0; g < topology.Groups.Count; g++)
        {
            var members = topology.Groups[g];
            if (members.Count != 2)
            {
                throw new NotSupportedException($"{Name} is compared one to one only.");
            }

            peersOf[members[0]][keys[g]] = $"{users[members[1]]}@{Domain}";
            peersOf[members[1]][keys[g]] = $"{users[members[0]]}@{Domain}";
        }

        return new Prepared(keys, member => new XmppConnection(Endpoint, Domain, users[member], Password, peersOf[member]));
    }

    public override async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
        }

        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a process that is going away; the folder is under /tmp.
        }
    }

    private IPEndPoint Endpoint => new(IPAddress.Loopback, Port);

    private List<int> Tree()
    {
        if (_process is null || _process.HasExited)
        {
            return [];
        }

        var parentOf = new Dictionary<int, int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && Stat(pid) is { } fields)
            {
                parentOf[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
        }

        var tree = new List<int> { _process.Id };
        for (var i = 0; i < tree.Count; i++)
        {
            tree.AddRange(parentOf.Where(p => p.Value == tree[i]).Select(p => p.Key));
        }

        return tree;
    }

    /// <summary>The fields of /proc/PID/stat after the command name (state is [0], ppid [1], utime [11], stime [12]).</summary>
    private static string[]? Stat(int pid)
    {
        try
        {
            var line = File.ReadAllText($"/proc/{pid}/stat");
            return line[(line.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long ProcessCpuTicks(int pid) =>
        Stat(pid) is { } fields ? long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture) : 0;

    private static string PackageVersion(string package)
    {
        var start = new ProcessStartInfo("dpkg-query", ["-W", "-f=${Version}", package]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var query = Process.Start(start)!;
        var version = query.StandardOutput.ReadToEnd();
        query.WaitForExit();
        return query.ExitCode == 0 ? version.Split('-')[0] : "(not installed)";
    }
}
