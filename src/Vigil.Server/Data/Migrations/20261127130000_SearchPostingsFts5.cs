using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Server.Data.Migrations
{
    /// <summary>
    /// SQLite keeps the search index's postings in a contentless FTS5 table instead of the term-ordered
    /// <c>SearchTerms</c> table (which stays, empty, for the model PostgreSQL shares): see
    /// <c>Search/Fts5SearchPostings.cs</c>. The old rows and the search cursor are removed, so the indexer rebuilds
    /// the index from the ledger after the upgrade.
    /// </summary>
    public partial class SearchPostingsFts5 : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""CREATE TABLE "SearchDocuments" ("DocId" INTEGER NOT NULL PRIMARY KEY, "MessageId" TEXT NOT NULL, "ConversationId" TEXT NOT NULL);""");
            migrationBuilder.Sql("""CREATE INDEX "IX_SearchDocuments_MessageId" ON "SearchDocuments" ("MessageId");""");
            migrationBuilder.Sql("""CREATE VIRTUAL TABLE "SearchPostings" USING fts5("Terms", content='', contentless_delete=1, detail=none, tokenize='ascii');""");
            migrationBuilder.Sql("""CREATE VIRTUAL TABLE "SearchVocabulary" USING fts5vocab("SearchPostings", 'row');""");
            migrationBuilder.Sql("""DELETE FROM "SearchTerms";""");
            migrationBuilder.Sql("""DELETE FROM "SearchCursors";""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TABLE "SearchVocabulary";""");
            migrationBuilder.Sql("""DROP TABLE "SearchPostings";""");
            migrationBuilder.Sql("""DROP TABLE "SearchDocuments";""");
            migrationBuilder.Sql("""DELETE FROM "SearchCursors";""");
        }
    }
}
