using System.Diagnostics;
using System.Text;

namespace Vigil.Testing;

/// <summary>
/// The last few thousand characters a child process wrote to stdout and stderr, read as it runs (so neither pipe
/// fills and blocks it), for the reason when it dies.
/// </summary>
public sealed class OutputTail
{
    private const int Keep = 4000;
    private readonly StringBuilder _text = new();

    /// <summary>Starts reading both redirected streams of a started process.</summary>
    public static OutputTail Of(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        var tail = new OutputTail();
        process.OutputDataReceived += tail.Append;
        process.ErrorDataReceived += tail.Append;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return tail;
    }

    public override string ToString()
    {
        lock (_text)
        {
            return _text.ToString();
        }
    }

    private void Append(object sender, DataReceivedEventArgs e)
    {
        if (e.Data is null)
        {
            return;
        }

        lock (_text)
        {
            _text.AppendLine(e.Data);
            if (_text.Length > Keep)
            {
                _text.Remove(0, _text.Length - Keep);
            }
        }
    }
}
