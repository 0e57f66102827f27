using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class EncryptedAttachments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Blob",
                table: "Attachments",
                type: "TEXT",
                nullable: false,
                defaultValue: "");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Blob",
                table: "Attachments");
        }
    }
}
