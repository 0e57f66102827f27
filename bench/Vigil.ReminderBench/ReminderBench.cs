using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Contracts;
using Vigil.Server.Conversations;
using Vigil.Server.Data;
using Vigil.Server.Identity;
using Vigil.Server.Keys;
using Vigil.Server.Patients;
using Vigil.Server.Reminders;

namespace Vigil.ReminderBench;

/// Reminders at scale: N patients × 3 daily medications; expansion, scheduling (rows ahead), database size, and a
/// burst of B reminders due in the same minute delivered through the real writer (ledger and encryption on).
internal static class ReminderBench
{
    public static async Task Main(string[] args)
    {
        var patients = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        var burst = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000;
        var folder = Directory.CreateTempSubdirectory("vigil-reminder-bench-").FullName;
        string[] timings =
        [
            """{"repeat":{"frequency":1,"period":1,"periodUnit":"d","timeOfDay":["08:00:00"]}}""",
            """{"repeat":{"frequency":2,"period":1,"periodUnit":"d"}}""",
            """{"repeat":{"frequency":1,"period":1,"periodUnit":"d","when":["HS"]}}""",
        ];
        string[] zones = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "America/Chicago", "Europe/London"];
        var results = new List<(string Measure, string Value)>();
        try
        {
            // The server needs no content files; point its content root at the bench's own folder.
            Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_VIGIL_SERVER", AppContext.BaseDirectory);
            await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
            {
                builder.UseSetting("Vigil:DataDirectory", folder);
                builder.UseSetting("Vigil:Patients:SchedulerEnabled", "false");
                builder.UseSetting("Logging:LogLevel:Default", "Warning");
            });
            var services = factory.Services;
            var now = DateTimeOffset.UtcNow;

            // 1. Patients and plans, stored as an import would store them (demographics and titles encrypted per patient).
            var clock = Stopwatch.StartNew();
            var profileIds = new List<Guid>(patients);
            for (var done = 0; done < patients; done += 1000)
            {
                await using var scope = services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
                var keys = scope.ServiceProvider.GetRequiredService<DataKeyStore>();
                await using var transaction = await db.Database.BeginTransactionAsync();
                for (var i = done; i < Math.Min(patients, done + 1000); i++)
                {
                    var id = Guid.CreateVersion7();
                    var (key, _) = await keys.GetOrCreateAsync(db, id, now, CancellationToken.None);
                    var demographics = JsonSerializer.Serialize(new PatientDemographics($"Patient {i}", "1960-01-01", "female", [], []));
                    db.PatientProfiles.Add(new PatientProfile
                    {
                        Id = id,
                        FhirId = $"bench-{i}",
                        Demographics = ContentCipher.Encrypt(key!, id, demographics),
                        TimeZone = zones[i % zones.Length],
                        CreatedAt = now,
                        UpdatedAt = now,
                    });
                    for (var m = 0; m < 3; m++)
                    {
                        var planId = Guid.CreateVersion7();
                        db.ReminderPlans.Add(new ReminderPlan
                        {
                            Id = planId,
                            PatientId = id,
                            Kind = ReminderPlanKinds.Medication,
                            Source = $"MedicationRequest/bench-{i}-{m}#1",
                            Status = ReminderPlanStatuses.Active,
                            Title = ContentCipher.Encrypt(key!, planId, $"Medication {m}"),
                            TimingJson = timings[m],
                            SeriesStart = now.AddDays(-30),
                            MaterializedUntil = now,
                            CreatedAt = now,
                            UpdatedAt = now,
                        });
                    }

                    profileIds.Add(id);
                }

                await db.SaveChangesAsync();
                await transaction.CommitAsync();
                Console.Error.Write($"\rstored {Math.Min(patients, done + 1000):N0} patients");
            }

            Console.Error.WriteLine();
            results.Add(("Patients / plans stored", $"{patients:N0} / {patients * 3:N0} in {clock.Elapsed.TotalSeconds:N1} s"));

            // 2. Expansion alone (CPU): every plan over the next 24 hours.
            var calendar = services.GetRequiredService<ReminderCalendar>();
            List<ReminderPlan> plans;
            Dictionary<Guid, PatientProfile> profiles;
            await using (var scope = services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
                plans = await db.ReminderPlans.AsNoTracking().ToListAsync();
                profiles = await db.PatientProfiles.AsNoTracking().ToDictionaryAsync(p => p.Id);
            }

            clock.Restart();
            var expanded = 0;
            foreach (var plan in plans)
            {
                expanded += calendar.Occurrences(plan, profiles[plan.PatientId], now, now.AddDays(1)).Count;
            }

            var expansion = clock.Elapsed;
            results.Add(("Expansion, 24 h of every plan (one core)", $"{expanded:N0} times in {expansion.TotalSeconds:N2} s = {expansion.TotalMicroseconds / plans.Count:N1} µs per plan"));

            // 3. Scheduling: rows for the 36-hour horizon, in the database where any node can claim them.
            clock.Restart();
            var scheduled = await services.GetRequiredService<ReminderMaterializer>().RunAsync(CancellationToken.None);
            results.Add(("Scheduling (rows for the 36 h horizon)", $"{scheduled:N0} reminders in {clock.Elapsed.TotalSeconds:N1} s = {scheduled / clock.Elapsed.TotalSeconds:N0} rows/s"));
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            var size = Directory.GetFiles(folder, "vigil.db*").Sum(f => new FileInfo(f).Length);
            results.Add(("Database size", $"{size / 1024.0 / 1024.0:N0} MiB ({size / (double)patients:N0} bytes per patient)"));

            // 4. A burst: B patients with accounts and consent, each with a reminder due in the same minute.
            var botId = await services.GetRequiredService<CareBot>().IdAsync(CancellationToken.None);
            var due = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddSeconds(7);
            await using (var scope = services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
                var roleId = (await db.Roles.SingleAsync(r => r.Name == VigilRoles.Patient)).Id;
                await db.Reminders.Where(r => r.Status == ReminderStatuses.Scheduled).ExecuteDeleteAsync();
                var firstPlans = await db.ReminderPlans.AsNoTracking().Where(p => profileIds.Take(burst).Contains(p.PatientId))
                    .GroupBy(p => p.PatientId).Select(g => g.Min(p => p.Id)).ToListAsync();
                var planOf = (await db.ReminderPlans.AsNoTracking().Where(p => firstPlans.Contains(p.Id)).ToListAsync()).ToDictionary(p => p.PatientId);
                await using var transaction = await db.Database.BeginTransactionAsync();
                foreach (var id in profileIds.Take(burst))
                {
                    var conversationId = Guid.CreateVersion7();
                    db.Users.Add(new VigilUser
                    {
                        Id = id,
                        UserName = $"bench-{id:N}",
                        NormalizedUserName = $"BENCH-{id:N}".ToUpperInvariant(),
                        DisplayName = "Bench patient",
                        SecurityStamp = Guid.NewGuid().ToString("N"),
                        CreatedAt = now,
                    });
                    db.UserRoles.Add(new IdentityUserRole<Guid> { UserId = id, RoleId = roleId });
                    db.Conversations.Add(new Conversation
                    {
                        Id = conversationId,
                        Kind = ConversationKinds.Patient,
                        Title = "Your care team",
                        CreatedAt = now,
                        CreatedBy = botId,
                        PatientId = id,
                        Members =
                        [
                            new ConversationMember { UserId = id, Role = MemberRoles.Member, JoinedAt = now },
                            new ConversationMember { UserId = botId, Role = MemberRoles.Owner, JoinedAt = now },
                        ],
                    });
                    await db.PatientProfiles.Where(p => p.Id == id).ExecuteUpdateAsync(p => p
                        .SetProperty(x => x.HasAccount, true).SetProperty(x => x.ConversationId, conversationId)
                        .SetProperty(x => x.MessagingConsent, true).SetProperty(x => x.ReminderConsent, true));
                    var plan = planOf[id];
                    db.Reminders.Add(new Reminder
                    {
                        Id = Guid.CreateVersion7(),
                        PlanId = plan.Id,
                        PatientId = id,
                        IsDose = true,
                        DueAt = due,
                        DeliverAt = due,
                        LocalTime = due.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
                        Status = ReminderStatuses.Scheduled,
                    });
                }

                await db.SaveChangesAsync();
                await transaction.CommitAsync();
            }

            while (DateTimeOffset.UtcNow < due)
            {
                await Task.Delay(50);
            }

            var scheduler = services.GetRequiredService<ReminderScheduler>();
            clock.Restart();
            var sent = 0;
            while (sent < burst && clock.Elapsed < TimeSpan.FromMinutes(5))
            {
                sent += (await scheduler.RunOnceAsync(CancellationToken.None)).Sent;
            }

            var delivery = clock.Elapsed;
            int messages;
            await using (var scope = services.CreateAsyncScope())
            {
                messages = await scope.ServiceProvider.GetRequiredService<VigilDbContext>().Messages.CountAsync(m => m.SenderId == botId);
            }

            results.Add(($"Burst: {burst:N0} reminders due in the same minute", $"{sent:N0} sent ({messages:N0} messages stored) in {delivery.TotalSeconds:N1} s = {sent / delivery.TotalSeconds:N0} reminders/s"));

            Console.WriteLine($"| Measure ({patients:N0} patients × 3 daily medications, {Environment.ProcessorCount} cores) | Result |");
            Console.WriteLine("| --- | --- |");
            foreach (var (measure, value) in results)
            {
                Console.WriteLine($"| {measure} | {value} |");
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
