using Vigil.Contracts;

namespace Vigil.Client.Tests;

public sealed class ClientMessageIdsTests
{
    [Fact]
    public void Ids_made_later_sort_later_as_plain_strings()
    {
        var start = new DateTimeOffset(2026, 11, 27, 18, 0, 0, TimeSpan.Zero);

        var ids = Enumerable.Range(0, 1_000).Select(i => ClientMessageIds.New(start.AddMilliseconds(i * 7))).ToList();

        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id));
    }

    [Fact]
    public void A_new_id_is_a_version_7_uuid_of_the_current_time()
    {
        var aSecondAgo = ClientMessageIds.New(DateTimeOffset.UtcNow.AddSeconds(-1));
        var made = ClientMessageIds.New();

        Assert.True(string.CompareOrdinal(aSecondAgo, made) < 0);
        Assert.Equal(7, Guid.ParseExact(made, "N").Version);
    }
}
