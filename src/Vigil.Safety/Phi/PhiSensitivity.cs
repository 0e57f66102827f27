namespace Vigil.Safety.Phi;

/// <summary>How readily the PHI guard takes a capitalised word for a person's name (<c>Vigil:Safety:PhiSensitivity</c>).</summary>
public enum PhiSensitivity
{
    /// <summary>
    /// A name needs a listed name or context (a title, a relation, a verb, a pair, a list): recall 0.944 at precision
    /// 0.870 on presidio's sentences (README, "PHI guard").
    /// </summary>
    Balanced,

    /// <summary>
    /// Also every capitalised word that is no English word, no listed place and no drug or product name: recall 0.972 at
    /// precision 0.787 (PhysioNet deid: 0.967 at 0.749); sponsors and brands outside the lists are flagged too.
    /// </summary>
    Thorough,
}
