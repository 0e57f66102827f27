using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Server.Data.Migrations
{
    /// <summary>
    /// The term-ordered <c>SearchTerms</c> table left the model once PostgreSQL's postings moved to a GIN index too
    /// (<c>Search/GinSearchPostings.cs</c>); on SQLite it has been empty since <see cref="SearchPostingsFts5"/>.
    /// </summary>
    public partial class DropSearchTerms : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SearchTerms");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SearchTerms",
                columns: table => new
                {
                    Term = table.Column<long>(type: "INTEGER", nullable: false),
                    MessageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ConversationId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SearchTerms", x => new { x.Term, x.MessageId });
                });

            migrationBuilder.CreateIndex(
                name: "IX_SearchTerms_MessageId",
                table: "SearchTerms",
                column: "MessageId");
        }
    }
}
