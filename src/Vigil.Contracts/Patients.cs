namespace Vigil.Contracts;

public sealed record PatientIdentifierDto(string? System, string Value);

public sealed record PatientDto(
    Guid Id,
    string? FhirId,
    string? Name,
    string? BirthDate,
    string? Gender,
    IReadOnlyList<PatientIdentifierDto> Identifiers,
    IReadOnlyList<PatientIdentifierDto> Telecom,
    string? Language,
    string TimeZone,
    string? QuietHoursStart,
    string? QuietHoursEnd,
    bool HasAccount,
    Guid? ConversationId,
    bool MessagingConsent,
    bool ReminderConsent,
    bool Erased);

/// <summary>A medication or appointment the patient is reminded of; <see cref="Problem"/> says why it has no reminders.</summary>
public sealed record ReminderPlanDto(
    Guid Id,
    string Kind,
    string Source,
    string Status,
    string? Title,
    string? Problem,
    IReadOnlyDictionary<string, string> TimeShifts);

/// <summary>One reminder time: when the dose is due (UTC and patient-local) and when it will be sent.</summary>
public sealed record ScheduledReminderDto(
    Guid PlanId,
    string Kind,
    string? Title,
    DateTimeOffset DueUtc,
    DateTimeOffset DueLocal,
    DateTimeOffset DeliverUtc,
    bool ShiftedByDaylightSaving,
    Guid? ReminderId,
    string? Status,
    string? Outcome);

public sealed record PatientRemindersDto(
    Guid PatientId,
    string TimeZone,
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<ScheduledReminderDto> Reminders,
    IReadOnlyList<ReminderPlanDto> Plans);

/// <summary>Body of <c>PUT /api/v1/patients/{id}/consent</c>; a null leaves that consent unchanged.</summary>
public sealed record ConsentRequest(bool? Messaging, bool? Reminders, string? Basis = null);

public sealed record ConsentRecordDto(string Kind, bool Granted, DateTimeOffset At, Guid ActorId, string? Basis);

public sealed record ConsentDto(bool Messaging, bool Reminders, IReadOnlyList<ConsentRecordDto> History);

/// <summary>Body of <c>PUT /api/v1/patients/{id}/preferences</c>: times as <c>HH:mm</c>; empty strings clear quiet hours.</summary>
public sealed record PatientPreferencesRequest(string? TimeZone = null, string? QuietHoursStart = null, string? QuietHoursEnd = null);

/// <summary>Body of <c>PUT /api/v1/patients/{id}/plans/{planId}/time-shifts</c>: move the daily dose at <see cref="From"/> to <see cref="To"/>.</summary>
public sealed record TimeShiftRequest(string From, string? To);

public sealed record PatientInvitationDto(Guid PatientId, string Code, DateTimeOffset ExpiresAt);

public sealed record AcceptInvitationRequest(string Code, string UserName, string Password, string Email, string? DisplayName = null);

/// <summary>Body of <c>POST /api/v1/reminders/{id}/responses</c>: one of <see cref="ReminderQuickReplies"/>.</summary>
public sealed record ReminderResponseRequest(string Action, string? Reason = null);

public sealed record ReminderResponseDto(Guid ReminderId, string Status, string? Outcome, DateTimeOffset? NextDeliveryAt);

public sealed record AdherenceSummaryDto(int Taken, int Skipped, int Missed, int Pending, double? Percent);

public sealed record AdherenceDayDto(string Date, int Due, int Taken, int Skipped, int Missed);

/// <summary>Doses over the last 7 and 30 days (percent = taken ÷ answered-or-missed) and a 30-day calendar strip.</summary>
public sealed record AdherenceDto(Guid PatientId, AdherenceSummaryDto Last7Days, AdherenceSummaryDto Last30Days, IReadOnlyList<AdherenceDayDto> Days);

public sealed record FhirImportIssueDto(string Source, string Location, string Severity, string Message);

public sealed record FhirImportReportDto(
    int Read,
    int Created,
    int Updated,
    int Unchanged,
    int Ignored,
    int Failed,
    int PatientsImported,
    int PlansActive,
    int PlansWithoutReminders,
    IReadOnlyList<FhirImportIssueDto> Issues);

public sealed record CreateFhirClientRequest(string Name, IReadOnlyList<string> Scopes);

public sealed record FhirClientDto(Guid Id, string Name, IReadOnlyList<string> Scopes, string Token);
