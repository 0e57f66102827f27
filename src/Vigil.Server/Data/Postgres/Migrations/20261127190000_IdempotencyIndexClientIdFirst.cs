using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Server.Data.Postgres.Migrations
{
    /// <summary>
    /// The unique index that makes a retried send idempotent, led by the client's message id instead of the
    /// conversation: time-ordered client ids then insert at the index's end, one leaf for a whole group commit,
    /// where each send used to dirty a leaf of its own (`bench/results/idempotency-index-2026-11-27.md`). The new
    /// index is built before the old one goes, so duplicates stay refused throughout.
    /// </summary>
    public partial class IdempotencyIndexClientIdFirst : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Messages_ClientMessageId_SenderId_ConversationId",
                table: "Messages",
                columns: new[] { "ClientMessageId", "SenderId", "ConversationId" },
                unique: true);

            migrationBuilder.DropIndex(
                name: "IX_Messages_ConversationId_SenderId_ClientMessageId",
                table: "Messages");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Messages_ConversationId_SenderId_ClientMessageId",
                table: "Messages",
                columns: new[] { "ConversationId", "SenderId", "ClientMessageId" },
                unique: true);

            migrationBuilder.DropIndex(
                name: "IX_Messages_ClientMessageId_SenderId_ConversationId",
                table: "Messages");
        }
    }
}
