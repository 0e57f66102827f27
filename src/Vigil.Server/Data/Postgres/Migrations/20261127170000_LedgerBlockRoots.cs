using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Server.Data.Postgres.Migrations
{
    /// <summary>
    /// The stored roots of complete blocks of the ledger tree (<c>Ledger/LedgerBlocks.cs</c>): derived from the
    /// entries, outside the model. Empty after the upgrade; the server derives them from the entries once and stores
    /// them with its next checkpoint.
    /// </summary>
    public partial class LedgerBlockRoots : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""CREATE TABLE "LedgerBlocks" ("Height" integer NOT NULL, "Block" bigint NOT NULL, "RootHash" text NOT NULL, PRIMARY KEY ("Height", "Block"));""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TABLE "LedgerBlocks";""");
        }
    }
}
