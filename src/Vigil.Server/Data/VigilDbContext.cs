using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Vigil.Server.Attachments;
using Vigil.Server.Bots;
using Vigil.Server.Conversations;
using Vigil.Server.Fhir;
using Vigil.Server.Identity;
using Vigil.Server.Keys;
using Vigil.Server.Ledger;
using Vigil.Server.Messaging;
using Vigil.Server.Patients;
using Vigil.Server.Reminders;
using Vigil.Server.Safety;
using Vigil.Server.Signatures;
using Vigil.Server.Webhooks;

namespace Vigil.Server.Data;

/// <summary>
/// Vigil's database on SQLite (this type and its migrations) or PostgreSQL (<see cref="Postgres.PostgresVigilDbContext"/>,
/// the same model with its own migrations).
/// </summary>
public class VigilDbContext : IdentityDbContext<VigilUser, VigilRole, Guid>
{
    public VigilDbContext(DbContextOptions<VigilDbContext> options)
        : base(options)
    {
    }

    protected VigilDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<UserSession> Sessions => Set<UserSession>();

    public DbSet<Conversation> Conversations => Set<Conversation>();

    public DbSet<ConversationMember> ConversationMembers => Set<ConversationMember>();

    public DbSet<Message> Messages => Set<Message>();

    public DbSet<MessageVersion> MessageVersions => Set<MessageVersion>();

    public DbSet<Attachment> Attachments => Set<Attachment>();

    public DbSet<LedgerEntry> LedgerEntries => Set<LedgerEntry>();

    public DbSet<LedgerCheckpointRecord> LedgerCheckpoints => Set<LedgerCheckpointRecord>();

    public DbSet<CommitmentKey> CommitmentKeys => Set<CommitmentKey>();

    public DbSet<DataKey> DataKeys => Set<DataKey>();

    public DbSet<ElectronicSignature> Signatures => Set<ElectronicSignature>();

    public DbSet<PatientProfile> PatientProfiles => Set<PatientProfile>();

    public DbSet<ReminderPlan> ReminderPlans => Set<ReminderPlan>();

    public DbSet<Reminder> Reminders => Set<Reminder>();

    public DbSet<ConsentRecord> ConsentRecords => Set<ConsentRecord>();

    public DbSet<Clinician> Clinicians => Set<Clinician>();

    public DbSet<FhirClientToken> FhirClientTokens => Set<FhirClientToken>();

    public DbSet<SafetyScan> SafetyScans => Set<SafetyScan>();


    public DbSet<Search.SearchCursor> SearchCursors => Set<Search.SearchCursor>();

    public DbSet<SafetyCase> SafetyCases => Set<SafetyCase>();

    public DbSet<SafetyCaseNote> SafetyCaseNotes => Set<SafetyCaseNote>();

    public DbSet<PhiFlag> PhiFlags => Set<PhiFlag>();

    public DbSet<WebhookSubscription> WebhookSubscriptions => Set<WebhookSubscription>();

    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();

    public DbSet<IncomingWebhook> IncomingWebhooks => Set<IncomingWebhook>();

    public DbSet<BotToken> BotTokens => Set<BotToken>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no timestamp type and cannot order or compare DateTimeOffset stored as text. Vigil keeps every
        // instant in UTC, so UTC ticks order correctly and round-trip exactly (what the client was told is what is
        // stored). PostgreSQL stores the same ticks: its timestamptz keeps microseconds, and the ledger commits to the
        // exact instant a message was sent, so a copied database must hold the very same value.
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UtcTicksConverter>();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<VigilUser>(user =>
        {
            user.Property(u => u.DisplayName).HasMaxLength(200);
        });

        builder.Entity<UserSession>(session =>
        {
            session.HasKey(s => s.Id);
            session.HasIndex(s => s.AccessTokenHash).IsUnique();
            session.HasIndex(s => s.RefreshTokenHash).IsUnique();
            session.HasIndex(s => s.UserId);
            session.Property(s => s.AccessTokenHash).HasMaxLength(64);
            session.Property(s => s.RefreshTokenHash).HasMaxLength(64);
            session.Property(s => s.RevokedReason).HasMaxLength(100);
        });

        builder.Entity<Conversation>(conversation =>
        {
            conversation.HasKey(c => c.Id);
            conversation.Property(c => c.Kind).HasMaxLength(16);
            conversation.Property(c => c.Title).HasMaxLength(200);
            conversation.Property(c => c.Visibility).HasMaxLength(16);
            conversation.Property(c => c.DirectKey).HasMaxLength(80);
            conversation.HasIndex(c => c.DirectKey).IsUnique();
            conversation.HasMany(c => c.Members).WithOne().HasForeignKey(m => m.ConversationId);
        });

        builder.Entity<ConversationMember>(member =>
        {
            member.HasKey(m => new { m.ConversationId, m.UserId });
            member.HasIndex(m => m.UserId);
            member.Property(m => m.Role).HasMaxLength(16);
            member.HasOne<VigilUser>().WithMany().HasForeignKey(m => m.UserId);
        });

        builder.Entity<Message>(message =>
        {
            message.HasKey(m => m.Id);
            message.HasIndex(m => new { m.ConversationId, m.Sequence }).IsUnique();
            // Client id first: the SDK and the web client make time-ordered ids (ClientMessageIds), so a send inserts
            // at the index's end, where the whole batch shares a leaf. Led by (conversation, sender), each send of a
            // batch dirtied a leaf of its own: a third of the pages a commit wrote.
            message.HasIndex(m => new { m.ClientMessageId, m.SenderId, m.ConversationId }).IsUnique();
            message.Property(m => m.ClientMessageId).HasMaxLength(100);
            message.Property(m => m.DeletedReason).HasMaxLength(1000);
            message.Property(m => m.EditReason).HasMaxLength(1000);
            message.HasOne<Conversation>().WithMany().HasForeignKey(m => m.ConversationId);
            message.HasMany(m => m.Attachments).WithOne().HasForeignKey(a => a.MessageId);
        });

        builder.Entity<MessageVersion>(version =>
        {
            version.HasKey(v => new { v.MessageId, v.Version });
            version.Property(v => v.Reason).HasMaxLength(1000);
            version.HasOne<Message>().WithMany().HasForeignKey(v => v.MessageId);
        });

        builder.Entity<LedgerEntry>(entry =>
        {
            entry.HasKey(e => e.Sequence);
            entry.Property(e => e.Sequence).ValueGeneratedNever();
            entry.Property(e => e.Action).HasMaxLength(64);
            entry.Property(e => e.Target).HasMaxLength(200);
            entry.Property(e => e.Commitment).HasMaxLength(64);
            entry.Property(e => e.LeafHash).HasMaxLength(64);
            entry.HasIndex(e => e.ActorId);
            entry.HasIndex(e => e.Target);
            entry.HasIndex(e => e.RecordedAt);
        });

        builder.Entity<LedgerCheckpointRecord>(checkpoint =>
        {
            checkpoint.HasKey(c => c.TreeSize);
            checkpoint.Property(c => c.TreeSize).ValueGeneratedNever();
        });

        builder.Entity<CommitmentKey>(key => key.HasKey(k => k.SubjectId));

        builder.Entity<DataKey>(key =>
        {
            key.HasKey(k => k.SubjectId);
            key.Property(k => k.KeyEncryptionKeyId).HasMaxLength(64);
            key.Property(k => k.DestroyedReason).HasMaxLength(1000);
        });

        builder.Entity<ElectronicSignature>(signature =>
        {
            signature.HasKey(s => s.Id);
            signature.HasIndex(s => s.MessageId);
            signature.Property(s => s.SignerName).HasMaxLength(200);
            signature.Property(s => s.Meaning).HasMaxLength(32);
            signature.Property(s => s.ContentCommitment).HasMaxLength(64);
            signature.HasIndex(s => s.AttachmentId);
            signature.HasOne<Message>().WithMany().HasForeignKey(s => s.MessageId);
            signature.HasOne<Attachment>().WithMany().HasForeignKey(s => s.AttachmentId);
        });

        builder.Entity<PatientProfile>(patient =>
        {
            patient.HasKey(p => p.Id);
            patient.HasIndex(p => p.FhirId).IsUnique();
            patient.HasIndex(p => p.InvitationCodeHash).IsUnique();
            patient.Property(p => p.FhirId).HasMaxLength(64);
            patient.Property(p => p.FhirVersion).HasMaxLength(64);
            patient.Property(p => p.Language).HasMaxLength(35);
            patient.Property(p => p.TimeZone).HasMaxLength(64);
            patient.Property(p => p.InvitationCodeHash).HasMaxLength(64);
        });

        builder.Entity<ReminderPlan>(plan =>
        {
            plan.HasKey(p => p.Id);
            plan.HasIndex(p => p.Source).IsUnique();
            plan.HasIndex(p => new { p.Status, p.MaterializedUntil });
            plan.HasIndex(p => p.PatientId);
            plan.Property(p => p.Kind).HasMaxLength(16);
            plan.Property(p => p.Source).HasMaxLength(200);
            plan.Property(p => p.SourceVersion).HasMaxLength(64);
            plan.Property(p => p.Status).HasMaxLength(16);
            plan.Property(p => p.Problem).HasMaxLength(1000);
            plan.HasOne<PatientProfile>().WithMany().HasForeignKey(p => p.PatientId);
        });

        builder.Entity<Reminder>(reminder =>
        {
            reminder.HasKey(r => r.Id);
            reminder.HasIndex(r => new { r.PlanId, r.DueAt }).IsUnique();
            reminder.HasIndex(r => new { r.Status, r.DeliverAt });
            reminder.HasIndex(r => new { r.PatientId, r.DueAt });
            reminder.HasIndex(r => r.MessageId);
            reminder.Property(r => r.LocalTime).HasMaxLength(40);
            reminder.Property(r => r.Status).HasMaxLength(16);
            reminder.Property(r => r.Outcome).HasMaxLength(16);
            reminder.Property(r => r.OutcomeReason).HasMaxLength(200);
            reminder.Property(r => r.ClaimedBy).HasMaxLength(64);
            reminder.HasOne<ReminderPlan>().WithMany().HasForeignKey(r => r.PlanId);
        });

        builder.Entity<ConsentRecord>(consent =>
        {
            consent.HasKey(c => c.Id);
            consent.HasIndex(c => new { c.PatientId, c.At });
            consent.Property(c => c.Kind).HasMaxLength(16);
            consent.Property(c => c.Basis).HasMaxLength(200);
            consent.HasOne<PatientProfile>().WithMany().HasForeignKey(c => c.PatientId);
        });

        builder.Entity<Clinician>(clinician =>
        {
            clinician.HasKey(c => c.Id);
            clinician.HasIndex(c => c.FhirId).IsUnique();
            clinician.Property(c => c.FhirId).HasMaxLength(64);
            clinician.Property(c => c.FhirVersion).HasMaxLength(64);
            clinician.Property(c => c.Name).HasMaxLength(200);
            clinician.Property(c => c.Npi).HasMaxLength(20);
            clinician.Property(c => c.Specialty).HasMaxLength(200);
        });

        builder.Entity<FhirClientToken>(client =>
        {
            client.HasKey(c => c.Id);
            client.HasIndex(c => c.TokenHash).IsUnique();
            client.Property(c => c.Name).HasMaxLength(100);
            client.Property(c => c.TokenHash).HasMaxLength(64);
            client.Property(c => c.Scopes).HasMaxLength(500);
        });

        builder.Entity<Search.SearchCursor>(cursor =>
        {
            cursor.HasKey(c => c.Id);
            cursor.Property(c => c.Id).ValueGeneratedNever();
        });

        builder.Entity<SafetyScan>(scan =>
        {
            scan.HasKey(s => new { s.MessageId, s.Version });
            scan.HasIndex(s => s.EnqueuedAt);
        });

        builder.Entity<SafetyCase>(safetyCase =>
        {
            safetyCase.HasKey(c => c.Id);
            safetyCase.HasIndex(c => new { c.MessageId, c.MessageVersion }).IsUnique();
            safetyCase.HasIndex(c => new { c.Status, c.OpenedAt });
            safetyCase.Property(c => c.Source).HasMaxLength(16);
            safetyCase.Property(c => c.Seriousness).HasMaxLength(16);
            safetyCase.Property(c => c.Status).HasMaxLength(16);
            safetyCase.HasOne<Message>().WithMany().HasForeignKey(c => c.MessageId);
        });

        builder.Entity<PhiFlag>(flag =>
        {
            flag.HasKey(f => f.Id);
            flag.HasIndex(f => new { f.MessageId, f.MessageVersion }).IsUnique();
            flag.HasIndex(f => f.FlaggedAt);
            flag.Property(f => f.Types).HasMaxLength(200);
            flag.HasOne<Message>().WithMany().HasForeignKey(f => f.MessageId);
        });

        builder.Entity<WebhookSubscription>(subscription =>
        {
            subscription.HasKey(s => s.Id);
            subscription.Property(s => s.Name).HasMaxLength(100);
            subscription.Property(s => s.Url).HasMaxLength(2000);
            subscription.Property(s => s.Events).HasMaxLength(200);
        });

        builder.Entity<BotToken>(token =>
        {
            token.HasKey(t => t.Id);
            token.HasIndex(t => t.TokenHash).IsUnique();
            token.Property(t => t.TokenHash).HasMaxLength(64);
            token.Property(t => t.Scopes).HasMaxLength(200);
        });

        builder.Entity<IncomingWebhook>(hook =>
        {
            hook.HasKey(h => h.Id);
            hook.HasIndex(h => h.TokenHash).IsUnique();
            hook.Property(h => h.Name).HasMaxLength(100);
            hook.Property(h => h.TokenHash).HasMaxLength(64);
        });

        builder.Entity<WebhookDelivery>(delivery =>
        {
            delivery.HasKey(d => d.Id);
            delivery.HasIndex(d => new { d.DeliveredAt, d.FailedAt, d.NextAttemptAt });
            delivery.Property(d => d.Event).HasMaxLength(64);
            delivery.Property(d => d.LastError).HasMaxLength(200);
            delivery.Property(d => d.ClaimedBy).HasMaxLength(64);
            delivery.HasOne<WebhookSubscription>().WithMany().HasForeignKey(d => d.SubscriptionId);
        });

        builder.Entity<SafetyCaseNote>(note =>
        {
            note.HasKey(n => n.Id);
            note.HasIndex(n => n.CaseId);
            note.HasOne<SafetyCase>().WithMany().HasForeignKey(n => n.CaseId);
        });

        builder.Entity<Attachment>(attachment =>
        {
            attachment.HasKey(a => a.Id);
            attachment.HasIndex(a => a.ConversationId);
            attachment.HasIndex(a => a.Sha256);
            attachment.Property(a => a.FileName).HasMaxLength(255);
            attachment.Property(a => a.ContentType).HasMaxLength(100);
            attachment.Property(a => a.Sha256).HasMaxLength(64);
            attachment.HasOne<Conversation>().WithMany().HasForeignKey(a => a.ConversationId);
        });
    }
}
