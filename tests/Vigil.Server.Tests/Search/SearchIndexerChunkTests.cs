using Vigil.Server.Search;

namespace Vigil.Server.Tests.Search;

public sealed class SearchIndexerChunkTests
{
    [Fact]
    public void A_writer_with_nothing_else_to_commit_takes_the_index_in_large_chunks()
    {
        Assert.Equal(SearchIndexer.RowsPerChunk, SearchIndexer.ChunkRows(usersWriting: false));
    }

    [Fact]
    public void While_users_write_a_chunk_holds_a_tenth_as_many_rows()
    {
        Assert.Equal(SearchIndexer.RowsPerChunk / 10, SearchIndexer.ChunkRows(usersWriting: true));
    }

    [Fact]
    public void Users_count_as_writing_until_the_quiet_period_after_their_last_commit_has_passed()
    {
        Assert.True(SearchIndexer.UsersWriting(TimeSpan.Zero));
        Assert.True(SearchIndexer.UsersWriting(SearchIndexer.Quiet - TimeSpan.FromMilliseconds(1)));
        Assert.False(SearchIndexer.UsersWriting(SearchIndexer.Quiet));
        Assert.False(SearchIndexer.UsersWriting(TimeSpan.MaxValue));
    }
}
