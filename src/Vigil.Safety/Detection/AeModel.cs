using System.Collections.Concurrent;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Text;

namespace Vigil.Safety.Detection;

/// <summary>
/// The statistical half of the detector: word 1–2-grams and character 3-grams of the text, with the lexicon counts,
/// into an L-BFGS logistic regression (ML.NET). Trained by <see cref="Train"/> from labelled examples; the model that
/// ships with Vigil is trained on PsyTAR by <c>vigil safety train</c> (see the README for the command).
/// </summary>
public sealed class AeModel
{
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly ConcurrentBag<PredictionEngine<AeExample, AePrediction>> _engines = [];

    private AeModel(MLContext ml, ITransformer model)
    {
        _ml = ml;
        _model = model;
    }

    public static AeModel Train(IEnumerable<AeExample> examples, int seed = 1)
    {
        var ml = new MLContext(seed);
        var data = ml.Data.LoadFromEnumerable(examples);
        var text = new TextFeaturizingEstimator.Options
        {
            WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 2, UseAllLengths = true },
            CharFeatureExtractor = new WordBagEstimator.Options { NgramLength = 3, UseAllLengths = false },
            Norm = TextFeaturizingEstimator.NormFunction.L2,
        };
        var pipeline = ml.Transforms.Text.FeaturizeText("TextFeatures", text, nameof(AeExample.Text))
            .Append(ml.Transforms.Concatenate("Lexicon", nameof(AeExample.Drugs), nameof(AeExample.Events), nameof(AeExample.Present),
                nameof(AeExample.Negated), nameof(AeExample.Hypothetical)))
            .Append(ml.Transforms.NormalizeMinMax("Lexicon"))
            .Append(ml.Transforms.Concatenate("Features", "TextFeatures", "Lexicon"))
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new Microsoft.ML.Trainers.LbfgsLogisticRegressionBinaryTrainer.Options
            {
                L2Regularization = 0.1f,
                L1Regularization = 0.01f,
                OptimizationTolerance = 1e-6f,
            }));
        return new AeModel(ml, pipeline.Fit(data));
    }

    public const string DefaultResourceName = "Vigil.Safety.Models.ae-model.zip";

    /// <summary>The model shipped with Vigil, trained on PsyTAR (CC BY 4.0).</summary>
    public static AeModel Default()
    {
        using var stream = typeof(AeModel).Assembly.GetManifestResourceStream(DefaultResourceName)
            ?? throw new InvalidOperationException($"{DefaultResourceName} is missing from the assembly.");
        return Load(stream);
    }

    public static AeModel Load(Stream stream)
    {
        var ml = new MLContext(1);
        return new AeModel(ml, ml.Model.Load(stream, out _));
    }

    public void Save(Stream stream)
    {
        var schema = SchemaDefinition.Create(typeof(AeExample));
        _ml.Model.Save(_model, _ml.Data.LoadFromEnumerable(Array.Empty<AeExample>(), schema).Schema, stream);
    }

    /// <summary>The probability that the example reports an adverse event. Thread-safe.</summary>
    public float Score(AeExample example)
    {
        if (!_engines.TryTake(out var engine))
        {
            engine = _ml.Model.CreatePredictionEngine<AeExample, AePrediction>(_model);
        }

        try
        {
            return engine.Predict(example).Probability;
        }
        finally
        {
            _engines.Add(engine);
        }
    }
}
