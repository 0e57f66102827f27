using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Server.Data.Migrations
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
            migrationBuilder.Sql("""CREATE TABLE "LedgerBlocks" ("Height" INTEGER NOT NULL, "Block" INTEGER NOT NULL, "RootHash" TEXT NOT NULL, PRIMARY KEY ("Height", "Block"));""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TABLE "LedgerBlocks";""");
        }
    }
}
