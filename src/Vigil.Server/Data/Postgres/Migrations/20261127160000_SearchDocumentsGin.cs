using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Server.Data.Postgres.Migrations
{
    /// <summary>
    /// PostgreSQL keeps the search index's postings as one row per message with its term hashes in a GIN-indexed
    /// array instead of the term-ordered <c>SearchTerms</c> table (<c>Search/GinSearchPostings.cs</c>). The existing
    /// postings are carried over, oldest message first (documents are ranked newest first by their id), so search
    /// keeps working through the upgrade without a rebuild.
    /// </summary>
    public partial class SearchDocumentsGin : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE "SearchDocuments" (
                    "DocId" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    "MessageId" uuid NOT NULL,
                    "ConversationId" uuid NOT NULL,
                    "Terms" bigint[] NOT NULL);
                """);
            migrationBuilder.Sql("""
                INSERT INTO "SearchDocuments" ("MessageId", "ConversationId", "Terms")
                SELECT "MessageId", "ConversationId", array_agg("Term") FROM "SearchTerms"
                GROUP BY "MessageId", "ConversationId" ORDER BY "MessageId";
                """);
            migrationBuilder.Sql("""CREATE INDEX "IX_SearchDocuments_Terms" ON "SearchDocuments" USING gin ("Terms");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_SearchDocuments_MessageId" ON "SearchDocuments" ("MessageId");""");
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
                    Term = table.Column<long>(type: "bigint", nullable: false),
                    MessageId = table.Column<Guid>(type: "uuid", nullable: false),
                    ConversationId = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SearchTerms", x => new { x.Term, x.MessageId });
                });

            migrationBuilder.CreateIndex(
                name: "IX_SearchTerms_MessageId",
                table: "SearchTerms",
                column: "MessageId");

            migrationBuilder.Sql("""
                INSERT INTO "SearchTerms" ("Term", "MessageId", "ConversationId")
                SELECT t.term, d."MessageId", d."ConversationId" FROM "SearchDocuments" AS d, unnest(d."Terms") AS t(term);
                """);
            migrationBuilder.Sql("""DROP TABLE "SearchDocuments";""");
        }
    }
}
