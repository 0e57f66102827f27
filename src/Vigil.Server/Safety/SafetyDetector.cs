using Microsoft.Extensions.Options;
using Vigil.Safety.Detection;
using Vigil.Safety.Lexicons;

namespace Vigil.Server.Safety;

/// <summary>The node's adverse-event detector, built on first use (loading the model takes a moment).</summary>
public sealed class SafetyDetector(IOptions<SafetyOptions> options)
{
    private readonly Lazy<AeDetector> _detector = new(() =>
    {
        var settings = options.Value;
        AeModel model;
        if (settings.ModelPath is { Length: > 0 } path)
        {
            using var file = File.OpenRead(path);
            model = AeModel.Load(file);
        }
        else
        {
            model = AeModel.Default();
        }

        return new AeDetector(model, new AeFeatures(DrugLexicon.Default(settings.ProductNames), EventLexicon.Default()), settings.Threshold);
    });

    public AeFinding Analyze(string text) => _detector.Value.Analyze(text);
}
