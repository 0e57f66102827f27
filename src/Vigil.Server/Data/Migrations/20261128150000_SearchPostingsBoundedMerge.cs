using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Server.Data.Migrations
{
    /// <summary>
    /// Turns FTS5's own merging of the postings' segments off: the search indexer merges a bounded number of pages
    /// after each chunk instead (<c>Search/Fts5SearchPostings.cs</c>). FTS5's automerge did 64 × (levels) pages of
    /// merging whenever 64 leaves had been written, inside whichever insert crossed the mark, and a level that reached
    /// 16 segments was merged whole: one postings insert held the group-commit writer for over 100 ms in a profile of
    /// the round trip (bench/results/writer-statements-2026-11-28.md). A setting of the table, kept in its
    /// <c>SearchPostings_config</c>; the crisis merge at 16 segments stays as the backstop.
    /// </summary>
    public partial class SearchPostingsBoundedMerge : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) =>
            migrationBuilder.Sql("""INSERT INTO "SearchPostings" ("SearchPostings", rank) VALUES ('automerge', 0);""");

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) =>
            migrationBuilder.Sql("""INSERT INTO "SearchPostings" ("SearchPostings", rank) VALUES ('automerge', 4);""");
    }
}
