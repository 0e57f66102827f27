using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Vigil.Server.Data.Postgres;

/// <summary>Lets <c>dotnet ef migrations add … --context PostgresVigilDbContext</c> build the model without a server.</summary>
internal sealed class PostgresDesignTimeDbContextFactory : IDesignTimeDbContextFactory<PostgresVigilDbContext>
{
    public PostgresVigilDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresVigilDbContext>().UseNpgsql("Host=localhost;Database=vigil_design").Options);
}
