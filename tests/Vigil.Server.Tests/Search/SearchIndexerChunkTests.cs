using Vigil.Server.Search;

namespace Vigil.Server.Tests.Search;

public sealed class SearchIndexerChunkTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void A_writer_with_nothing_else_to_commit_takes_the_index_in_large_chunks(int lastBatchSize)
    {
        Assert.Equal(SearchIndexer.RowsPerChunk, SearchIndexer.ChunkRows(lastBatchSize));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(500)]
    public void While_the_writer_batches_carry_other_commands_a_chunk_holds_a_tenth_as_many_rows(int lastBatchSize)
    {
        Assert.Equal(SearchIndexer.RowsPerChunk / 10, SearchIndexer.ChunkRows(lastBatchSize));
    }
}
