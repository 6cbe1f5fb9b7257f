package io.shop.catalog.model;

import java.util.List;

/** What the query analyzer answers (admin API under /admin/queries). */
public final class QueryReports {

    private QueryReports() {
    }

    /** One normalised statement from pg_stat_statements. */
    public record Statement(String queryId, String query, long calls, double totalMs, double meanMs, long rows,
                            long sharedBlocksHit, long sharedBlocksRead) {
    }

    /** A table the plan reads in full, and how many rows it has. */
    public record SequentialScan(String table, long tableRows) {
    }

    /**
     * A named hot query, executed with EXPLAIN (ANALYZE, BUFFERS) in a read-only transaction.
     *
     * @param verdict plain words: which index it uses, or which large table it reads in full
     */
    public record Plan(String name, String sql, List<Object> params, String verdict, List<String> indexesUsed,
                       List<SequentialScan> sequentialScans, long rows, double planningMs, double executionMs,
                       long sharedBlocksHit, long sharedBlocksRead) {
    }

    public record UnusedIndex(String table, String index, long sizeBytes) {
    }

    public record ScannedTable(String table, long sequentialScans, long rowsReadSequentially, long liveRows) {
    }

    public record UnindexedForeignKey(String table, String constraint, String columns) {
    }

    /**
     * @param slowQueryLogThreshold PostgreSQL's log_min_duration_statement: statements slower than this are logged
     */
    public record IndexAdvice(List<UnusedIndex> unusedIndexes, List<ScannedTable> sequentiallyScannedTables,
                              List<UnindexedForeignKey> foreignKeysWithoutIndex, String slowQueryLogThreshold) {
    }
}
