using Microsoft.EntityFrameworkCore;

namespace Vigil.Server.Data.Postgres;

/// <summary>
/// The same model on PostgreSQL. A type of its own so EF Core keeps its migrations (Data/Postgres/Migrations) apart
/// from SQLite's; everything else asks for <see cref="VigilDbContext"/> and gets this one when PostgreSQL is chosen.
/// </summary>
public sealed class PostgresVigilDbContext(DbContextOptions<PostgresVigilDbContext> options) : VigilDbContext(options);
