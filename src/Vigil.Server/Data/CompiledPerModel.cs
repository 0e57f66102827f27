using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Vigil.Server.Data;

/// <summary>
/// An EF Core compiled query for each model it meets. A compiled query skips the translation that every LINQ query
/// otherwise repeats (parameter extraction, the query cache lookup), which matters on paths run for every group
/// commit; but it refuses a model other than the one it was compiled against, and one process can hold several:
/// SQLite and PostgreSQL in <c>vigil db copy</c>, or in the tests.
/// </summary>
public sealed class CompiledPerModel<TQuery>(Func<TQuery> compile)
    where TQuery : class
{
    // Models are few and live as long as the process (EF caches them too).
    private readonly ConcurrentDictionary<IModel, TQuery> _byModel = new(ReferenceEqualityComparer.Instance);

    public TQuery For(VigilDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return _byModel.GetOrAdd(db.Model, static (_, compile) => compile(), compile);
    }
}
