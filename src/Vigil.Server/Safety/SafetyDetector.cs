using Microsoft.Extensions.Options;
using Vigil.Safety.Detection;
using Vigil.Safety.Lexicons;

namespace Vigil.Server.Safety;

/// <summary>
/// The node's adverse-event detector and its drug lexicon (DrugBank and the organisation's products, also used by the
/// PHI guard), each built on first use (loading them takes a moment).
/// </summary>
public sealed class SafetyDetector
{
    private readonly Lazy<DrugLexicon> _drugs;
    private readonly Lazy<AeDetector> _detector;

    public SafetyDetector(IOptions<SafetyOptions> options)
    {
        _drugs = new(() => DrugLexicon.Default(options.Value.ProductNames));
        _detector = new(() => Build(options.Value, _drugs.Value));
    }

    public DrugLexicon Drugs => _drugs.Value;

    public AeFinding Analyze(string text) => _detector.Value.Analyze(text);

    private static AeDetector Build(SafetyOptions settings, DrugLexicon drugs)
    {
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

        return new AeDetector(model, new AeFeatures(drugs, EventLexicon.Default()), settings.Threshold);
    }
}
