using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class PhiGuard : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "PhiAcknowledged",
                table: "SafetyScans",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "PhiAllowed",
                table: "Conversations",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            // Conversations that existed before the guard keep working as they did, except channels.
            migrationBuilder.Sql("UPDATE \"Conversations\" SET \"PhiAllowed\" = TRUE WHERE \"Kind\" <> 'channel'");

            migrationBuilder.CreateTable(
                name: "PhiFlags",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    MessageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MessageVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    ConversationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SenderId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Types = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Findings = table.Column<string>(type: "TEXT", nullable: false),
                    SenderAcknowledged = table.Column<bool>(type: "INTEGER", nullable: false),
                    FlaggedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ReviewedBy = table.Column<Guid>(type: "TEXT", nullable: true),
                    ReviewedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PhiFlags", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PhiFlags_Messages_MessageId",
                        column: x => x.MessageId,
                        principalTable: "Messages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PhiFlags_FlaggedAt",
                table: "PhiFlags",
                column: "FlaggedAt");

            migrationBuilder.CreateIndex(
                name: "IX_PhiFlags_MessageId_MessageVersion",
                table: "PhiFlags",
                columns: new[] { "MessageId", "MessageVersion" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PhiFlags");

            migrationBuilder.DropColumn(
                name: "PhiAcknowledged",
                table: "SafetyScans");

            migrationBuilder.DropColumn(
                name: "PhiAllowed",
                table: "Conversations");
        }
    }
}
