using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Vigil.Contracts;
using Vigil.Server.Conversations;
using Vigil.Server.Data;
using Vigil.Server.Identity;
using Vigil.Server.Keys;
using Vigil.Server.Ledger;
using Vigil.Server.Messaging;
using Vigil.Server.Problems;
using Vigil.Server.Validation;

namespace Vigil.Server.Safety;

/// <summary>The SafetyOfficers' triage queue: reading cases with their source message, the workflow, notes, manual cases.</summary>
public sealed class SafetyCases(
    VigilDbContext db,
    DataKeyStore dataKeys,
    LedgerAppender ledger,
    SafetyDetector detector,
    IIdGenerator ids,
    TimeProvider time)
{
    public const int MaxNoteLength = 4000;

    /// <summary>Serious cases are due to regulators in 15 days, non-serious in 90; until an officer decides, the stricter clock runs.</summary>
    public static DateTimeOffset DueAt(SafetyCase safetyCase)
    {
        ArgumentNullException.ThrowIfNull(safetyCase);
        return safetyCase.DayZero.AddDays(safetyCase.Seriousness == SafetyCaseSeriousness.NonSerious ? 90 : 15);
    }

    private static readonly Dictionary<string, string[]> Transitions = new(StringComparer.Ordinal)
    {
        [SafetyCaseStatuses.New] = [SafetyCaseStatuses.InReview, SafetyCaseStatuses.NotAnAdverseEvent, SafetyCaseStatuses.Duplicate],
        [SafetyCaseStatuses.InReview] = [SafetyCaseStatuses.ValidCase, SafetyCaseStatuses.NotAnAdverseEvent, SafetyCaseStatuses.Duplicate],
        [SafetyCaseStatuses.ValidCase] = [SafetyCaseStatuses.Submitted, SafetyCaseStatuses.InReview],
        [SafetyCaseStatuses.NotAnAdverseEvent] = [SafetyCaseStatuses.InReview],
        [SafetyCaseStatuses.Duplicate] = [SafetyCaseStatuses.InReview],
        [SafetyCaseStatuses.Submitted] = [],
    };

    public async Task<IReadOnlyList<SafetyCaseDto>> ListAsync(string? status, CancellationToken cancellationToken)
    {
        if (status is not null && !SafetyCaseStatuses.All.Contains(status))
        {
            throw ProblemException.Validation($"status must be one of: {string.Join(", ", SafetyCaseStatuses.All)}.");
        }

        var cases = await db.SafetyCases.AsNoTracking().Where(c => status == null || c.Status == status)
            .OrderBy(c => c.DayZero).Take(500).ToListAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<SafetyCaseDto>(cases.Count);
        foreach (var safetyCase in cases)
        {
            result.Add(await ToDtoAsync(safetyCase, withNotes: false, cancellationToken).ConfigureAwait(false));
        }

        return result;
    }

    public async Task<SafetyCaseDto> GetAsync(Guid id, CancellationToken cancellationToken) =>
        await ToDtoAsync(await LoadAsync(id, cancellationToken).ConfigureAwait(false), withNotes: true, cancellationToken).ConfigureAwait(false);

    public async Task<SafetyCaseDto> UpdateAsync(Guid id, Guid officerId, UpdateSafetyCaseRequest? request, CancellationToken cancellationToken)
    {
        if (request is null || (request.Status, request.Seriousness, request.AssigneeId, request.Note) == (null, null, null, null))
        {
            throw ProblemException.Validation("Give status, seriousness, assigneeId and/or note.");
        }

        if (request.Seriousness is not (null or SafetyCaseSeriousness.Serious or SafetyCaseSeriousness.NonSerious))
        {
            throw ProblemException.Validation("seriousness must be 'serious' or 'non-serious'.");
        }

        var noteProblem = request.Note is null ? null : TextInput.Problem(request.Note, "note", MaxNoteLength, allowLineBreaks: true);
        if (noteProblem is not null)
        {
            throw ProblemException.Validation(noteProblem);
        }

        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var safetyCase = await db.SafetyCases.SingleOrDefaultAsync(c => c.Id == id, cancellationToken).ConfigureAwait(false)
            ?? throw ProblemException.NotFound("The safety case");
        var changes = new List<string>();
        if (request.Status is { } status && status != safetyCase.Status)
        {
            if (!Transitions.TryGetValue(safetyCase.Status, out var allowed) || !allowed.Contains(status))
            {
                throw ProblemException.Conflict($"A case that is {safetyCase.Status} cannot become {status}.");
            }

            changes.Add($"status {safetyCase.Status} → {status}");
            safetyCase.Status = status;
        }

        if (request.Seriousness is { } seriousness && seriousness != safetyCase.Seriousness)
        {
            changes.Add($"seriousness {safetyCase.Seriousness ?? "unset"} → {seriousness}");
            safetyCase.Seriousness = seriousness;
        }

        if (request.AssigneeId is { } assignee && assignee != safetyCase.AssigneeId)
        {
            var isOfficer = await db.UsersInRole(VigilRoles.SafetyOfficer).AnyAsync(id => id == assignee, cancellationToken).ConfigureAwait(false);
            if (!isOfficer)
            {
                throw ProblemException.Validation("assigneeId must be a SafetyOfficer.");
            }

            changes.Add($"assignee → {assignee:D}");
            safetyCase.AssigneeId = assignee;
        }

        if (request.Note is { } note)
        {
            var key = await ConversationKeyAsync(safetyCase.ConversationId, cancellationToken).ConfigureAwait(false);
            var noteId = ids.NewId();
            db.SafetyCaseNotes.Add(new SafetyCaseNote
            {
                Id = noteId,
                CaseId = id,
                AuthorId = officerId,
                At = now,
                Text = key is null ? throw ProblemException.Conflict("The conversation's content was erased.") : ContentCipher.Encrypt(key, noteId, note.Trim()),
            });
            changes.Add("note added");
        }

        safetyCase.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await ledger.AppendAsync(db, [new LedgerEvent(officerId, LedgerActions.SafetyCaseUpdated, $"safety-case/{id:D}", string.Join("; ", changes))],
            now, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return await GetAsync(id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An officer raises a case on any message, detected or not.</summary>
    public async Task<SafetyCaseDto> RaiseAsync(Guid officerId, RaiseSafetyCaseRequest? request, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            throw ProblemException.Validation("messageId is required.");
        }

        var message = await db.Messages.AsNoTracking().SingleOrDefaultAsync(m => m.Id == request.MessageId, cancellationToken).ConfigureAwait(false)
            ?? throw ProblemException.NotFound("The message");
        var conversation = await db.Conversations.AsNoTracking().SingleAsync(c => c.Id == message.ConversationId, cancellationToken).ConfigureAwait(false);
        var existing = await db.SafetyCases.AsNoTracking().Where(c => c.MessageId == message.Id && c.MessageVersion == message.Version)
            .Select(c => (Guid?)c.Id).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (existing is { } caseId)
        {
            throw ProblemException.Conflict($"Safety case {caseId} already covers this version of the message.");
        }

        var key = await ConversationKeyAsync(conversation.Id, cancellationToken).ConfigureAwait(false)
            ?? throw ProblemException.Conflict("The conversation's content was erased.");
        var text = ContentCipher.Decrypt(key, message.Id, message.Body);
        var senderIsPatient = conversation.PatientId == message.SenderId;
        var safetyCase = NewCase(message, conversation, detector.Analyze(text), text, senderIsPatient, key, ids.NewId(), time.GetUtcNow(),
            SafetyCaseSources.Manual, officerId);
        var now = time.GetUtcNow();
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            db.SafetyCases.Add(safetyCase);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await ledger.AppendAsync(db, [new LedgerEvent(officerId, LedgerActions.SafetyCaseOpened, $"safety-case/{safetyCase.Id:D}",
                $"manual on {LedgerActions.MessageTarget(message.Id, message.Version)}")], now, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (request.Note is not null)
        {
            return await UpdateAsync(safetyCase.Id, officerId, new UpdateSafetyCaseRequest(Note: request.Note), cancellationToken).ConfigureAwait(false);
        }

        return await GetAsync(safetyCase.Id, cancellationToken).ConfigureAwait(false);
    }

    internal static SafetyCase NewCase(Message message, Conversation conversation, Vigil.Safety.Detection.AeFinding finding, string text,
        bool senderIsPatient, byte[] key, Guid id, DateTimeOffset now, string source, Guid? openedBy)
    {
        var criteria = IcsrCriteria.Of(finding, conversation.Kind, senderIsPatient, text);
        var mentions = finding.Drugs.Select(d => new SafetyMentionDto("drug", d.Text, d.Start, d.End, "present"))
            .Concat(finding.Events.Select(e => new SafetyMentionDto("event", e.Text, e.Start, e.End, e.Assertion.ToString().ToLowerInvariant())))
            .ToList();
        return new SafetyCase
        {
            Id = id,
            MessageId = message.Id,
            MessageVersion = message.Version,
            ConversationId = conversation.Id,
            Source = source,
            Score = Math.Round(finding.Score, 4),
            Mentions = ContentCipher.Encrypt(key, id, JsonSerializer.Serialize(mentions)),
            IdentifiablePatient = criteria.IdentifiablePatient,
            IdentifiableReporter = criteria.IdentifiableReporter,
            SuspectProduct = criteria.SuspectProduct,
            AdverseEvent = criteria.AdverseEvent,
            DayZero = message.SentAt,
            Status = SafetyCaseStatuses.New,
            OpenedAt = now,
            OpenedBy = openedBy,
            UpdatedAt = now,
        };
    }

    internal async Task<SafetyCaseDto> ToDtoAsync(SafetyCase safetyCase, bool withNotes, CancellationToken cancellationToken)
    {
        var key = await ConversationKeyAsync(safetyCase.ConversationId, cancellationToken).ConfigureAwait(false);
        // The version the case was raised on, even if the message was edited since (Part 11: nothing obscured).
        var text = key is null ? null : await MessageVersionText.LoadAsync(db, key, safetyCase.MessageId, safetyCase.MessageVersion, cancellationToken).ConfigureAwait(false);

        var mentions = key is null || safetyCase.Mentions is null
            ? []
            : JsonSerializer.Deserialize<List<SafetyMentionDto>>(ContentCipher.Decrypt(key, safetyCase.Id, safetyCase.Mentions)) ?? [];
        var notes = withNotes
            ? (await db.SafetyCaseNotes.AsNoTracking().Where(n => n.CaseId == safetyCase.Id).OrderBy(n => n.At).ToListAsync(cancellationToken).ConfigureAwait(false))
                .Select(n => new SafetyCaseNoteDto(n.AuthorId, n.At, key is null ? null : ContentCipher.Decrypt(key, n.Id, n.Text))).ToList()
            : [];
        return new SafetyCaseDto(safetyCase.Id, safetyCase.MessageId, safetyCase.MessageVersion, safetyCase.ConversationId, safetyCase.Source,
            safetyCase.Score, new IcsrCriteriaDto(safetyCase.IdentifiablePatient, safetyCase.IdentifiableReporter, safetyCase.SuspectProduct, safetyCase.AdverseEvent),
            safetyCase.DayZero, safetyCase.Seriousness, DueAt(safetyCase), safetyCase.Status, safetyCase.AssigneeId, safetyCase.OpenedAt, safetyCase.UpdatedAt,
            text, mentions, notes);
    }

    private async Task<SafetyCase> LoadAsync(Guid id, CancellationToken cancellationToken) =>
        await db.SafetyCases.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken).ConfigureAwait(false)
        ?? throw ProblemException.NotFound("The safety case");

    private async Task<byte[]?> ConversationKeyAsync(Guid conversationId, CancellationToken cancellationToken)
    {
        var conversation = await db.Conversations.AsNoTracking().SingleAsync(c => c.Id == conversationId, cancellationToken).ConfigureAwait(false);
        return await dataKeys.GetAsync(db, DataKeyStore.SubjectOf(conversation), cancellationToken).ConfigureAwait(false);
    }
}
