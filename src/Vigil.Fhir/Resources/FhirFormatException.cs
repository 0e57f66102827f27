namespace Vigil.Fhir.Resources;

/// <summary>Input that is not valid FHIR R4 JSON; the message says why.</summary>
public sealed class FhirFormatException : Exception
{
    public FhirFormatException()
    {
    }

    public FhirFormatException(string message)
        : base(message)
    {
    }

    public FhirFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
