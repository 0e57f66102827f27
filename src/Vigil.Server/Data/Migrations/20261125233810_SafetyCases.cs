using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class SafetyCases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "SafetyMonitored",
                table: "Conversations",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            // Patient conversations that existed before screening began are screened from now on.
            migrationBuilder.Sql("UPDATE \"Conversations\" SET \"SafetyMonitored\" = TRUE WHERE \"Kind\" = 'patient'");

            migrationBuilder.CreateTable(
                name: "SafetyCases",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    MessageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MessageVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    ConversationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Score = table.Column<double>(type: "REAL", nullable: true),
                    Mentions = table.Column<string>(type: "TEXT", nullable: true),
                    IdentifiablePatient = table.Column<bool>(type: "INTEGER", nullable: false),
                    IdentifiableReporter = table.Column<bool>(type: "INTEGER", nullable: false),
                    SuspectProduct = table.Column<bool>(type: "INTEGER", nullable: false),
                    AdverseEvent = table.Column<bool>(type: "INTEGER", nullable: false),
                    DayZero = table.Column<long>(type: "INTEGER", nullable: false),
                    Seriousness = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    AssigneeId = table.Column<Guid>(type: "TEXT", nullable: true),
                    OpenedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    OpenedBy = table.Column<Guid>(type: "TEXT", nullable: true),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SafetyCases", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SafetyCases_Messages_MessageId",
                        column: x => x.MessageId,
                        principalTable: "Messages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SafetyScans",
                columns: table => new
                {
                    MessageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    EnqueuedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SafetyScans", x => new { x.MessageId, x.Version });
                });

            migrationBuilder.CreateTable(
                name: "SafetyCaseNotes",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CaseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AuthorId = table.Column<Guid>(type: "TEXT", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Text = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SafetyCaseNotes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SafetyCaseNotes_SafetyCases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "SafetyCases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SafetyCaseNotes_CaseId",
                table: "SafetyCaseNotes",
                column: "CaseId");

            migrationBuilder.CreateIndex(
                name: "IX_SafetyCases_MessageId_MessageVersion",
                table: "SafetyCases",
                columns: new[] { "MessageId", "MessageVersion" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SafetyCases_Status_OpenedAt",
                table: "SafetyCases",
                columns: new[] { "Status", "OpenedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SafetyScans_EnqueuedAt",
                table: "SafetyScans",
                column: "EnqueuedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SafetyCaseNotes");

            migrationBuilder.DropTable(
                name: "SafetyScans");

            migrationBuilder.DropTable(
                name: "SafetyCases");

            migrationBuilder.DropColumn(
                name: "SafetyMonitored",
                table: "Conversations");
        }
    }
}
