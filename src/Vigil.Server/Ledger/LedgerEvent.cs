namespace Vigil.Server.Ledger;

/// <summary>An auditable event waiting for its sequence number, which it gets in the transaction that records it.</summary>
public sealed record LedgerEvent(Guid? ActorId, string Action, string Target, string? Reason = null, string? Commitment = null);

/// <summary>The action names the ledger uses; auditors filter by them.</summary>
public static class LedgerActions
{
    public const string MessageCreated = "message.created";
    public const string MessageEdited = "message.edited";
    public const string MessageDeleted = "message.deleted";
    public const string ConversationCreated = "conversation.created";
    public const string MemberAdded = "conversation.member.added";
    public const string MemberRemoved = "conversation.member.removed";
    public const string UserCreated = "user.created";
    public const string UserRolesChanged = "user.roles.changed";
    public const string UserDisabled = "user.disabled";
    public const string UserEnabled = "user.enabled";
    public const string SignIn = "auth.signin";
    public const string SignInFailed = "auth.signin.failed";
    public const string SignOut = "auth.signout";
    public const string TokenRefreshed = "auth.refresh";
    public const string RefreshRefused = "auth.refresh.refused";
    public const string ConfigurationApplied = "config.applied";
    public const string SignOutEverywhere = "auth.signout.everywhere";
    public const string TotpEnabled = "auth.totp.enabled";
    public const string TotpDisabled = "auth.totp.disabled";
    public const string SubjectErased = "gdpr.erased";
    public const string SignatureApplied = "signature.applied";
    public const string PatientDataRead = "patient.read";
    public const string LedgerExported = "ledger.exported";
    public const string KeyCreated = "key.created";
    public const string KeysRotated = "key.rotated";
    public const string SignatureFailed = "signature.failed";
    public const string LegalHoldPlaced = "legal-hold.placed";
    public const string LegalHoldLifted = "legal-hold.lifted";
    public const string FhirImported = "fhir.imported";
    public const string ConsentChanged = "patient.consent.changed";
    public const string PatientPreferencesChanged = "patient.preferences.changed";
    public const string PatientInvited = "patient.invited";
    public const string PatientLinked = "patient.linked";
    public const string DoseRecorded = "patient.dose.recorded";
    public const string FhirClientCreated = "fhir.client.created";
    public const string FhirClientRevoked = "fhir.client.revoked";
    public const string SafetyCaseOpened = "safety.case.opened";
    public const string SafetyCaseUpdated = "safety.case.updated";
    public const string SafetyCaseExported = "safety.case.exported";
    public const string SafetyMonitoringChanged = "safety.monitoring.changed";
    public const string PhiWarningOverridden = "phi.warning.overridden";
    public const string PhiFlagged = "phi.flagged";
    public const string PhiFlagReviewed = "phi.flag.reviewed";
    public const string ConversationClassified = "conversation.classified";
    public const string WebhookCreated = "webhook.created";
    public const string WebhookDeleted = "webhook.deleted";

    public static string MessageTarget(Guid messageId, int version) => $"message/{messageId:D}/v{version}";

    public static string ConversationTarget(Guid conversationId) => $"conversation/{conversationId:D}";

    public static string UserTarget(Guid userId) => $"user/{userId:D}";
}
