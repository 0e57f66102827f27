using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class AttachmentSignatures : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Signatures_Messages_MessageId",
                table: "Signatures");

            migrationBuilder.AlterColumn<Guid>(
                name: "MessageId",
                table: "Signatures",
                type: "TEXT",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "TEXT");

            migrationBuilder.AddColumn<Guid>(
                name: "AttachmentId",
                table: "Signatures",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Signatures_AttachmentId",
                table: "Signatures",
                column: "AttachmentId");

            migrationBuilder.AddForeignKey(
                name: "FK_Signatures_Attachments_AttachmentId",
                table: "Signatures",
                column: "AttachmentId",
                principalTable: "Attachments",
                principalColumn: "Id");

            migrationBuilder.AddForeignKey(
                name: "FK_Signatures_Messages_MessageId",
                table: "Signatures",
                column: "MessageId",
                principalTable: "Messages",
                principalColumn: "Id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Signatures_Attachments_AttachmentId",
                table: "Signatures");

            migrationBuilder.DropForeignKey(
                name: "FK_Signatures_Messages_MessageId",
                table: "Signatures");

            migrationBuilder.DropIndex(
                name: "IX_Signatures_AttachmentId",
                table: "Signatures");

            migrationBuilder.DropColumn(
                name: "AttachmentId",
                table: "Signatures");

            migrationBuilder.AlterColumn<Guid>(
                name: "MessageId",
                table: "Signatures",
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "TEXT",
                oldNullable: true);

            migrationBuilder.AddForeignKey(
                name: "FK_Signatures_Messages_MessageId",
                table: "Signatures",
                column: "MessageId",
                principalTable: "Messages",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }
    }
}
