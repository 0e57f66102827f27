namespace Vigil.Safety.Phi;

/// <summary>Identifying information found in a text: UTF-16 offsets (end exclusive), its kind, and the text itself.</summary>
public sealed record PhiSpan(int Start, int End, string Type, string Text);

/// <summary>The kinds of identifying information the PHI guard reports (HIPAA Safe Harbor identifiers it can see in chat).</summary>
public static class PhiTypes
{
    public const string Person = "person";
    public const string KnownPatient = "known-patient";
    public const string Identifier = "identifier";
    public const string Date = "date";
    public const string Age = "age-over-89";
    public const string Phone = "phone";
    public const string Email = "email";
    public const string Address = "address";
    public const string ZipCode = "zip-code";
    public const string Ssn = "ssn";
    public const string CreditCard = "credit-card";
    public const string Iban = "iban";
    public const string IpAddress = "ip-address";
}
