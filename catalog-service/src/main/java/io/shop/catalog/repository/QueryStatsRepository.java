package io.shop.catalog.repository;

import io.shop.catalog.model.QueryReports.IndexAdvice;
import io.shop.catalog.model.QueryReports.ScannedTable;
import io.shop.catalog.model.QueryReports.Statement;
import io.shop.catalog.model.QueryReports.UnindexedForeignKey;
import io.shop.catalog.model.QueryReports.UnusedIndex;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Repository class for the query analyzer: PostgreSQL's own statistics (pg_stat_statements, pg_stat_user_*). */
@ApplicationScoped
public class QueryStatsRepository {

    /** Tables below this size are fine to read in full; at or above it a sequential scan deserves an index. */
    public static final long LARGE_TABLE_ROWS = 10_000;

    static final Map<String, String> TOP_ORDER = Map.of("total", "total_exec_time", "mean", "mean_exec_time");

    static final String TOP_SQL = """
            SELECT queryid::text AS queryid, regexp_replace(query, '\\s+', ' ', 'g') AS query, calls,
                   total_exec_time, mean_exec_time, rows, shared_blks_hit, shared_blks_read
              FROM public.pg_stat_statements
             WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
             ORDER BY %s DESC
             LIMIT $1
            """;

    static final String UNUSED_INDEXES_SQL = """
            SELECT s.schemaname || '.' || s.relname AS table_name, s.indexrelname AS index_name,
                   pg_relation_size(s.indexrelid) AS size_bytes
              FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid
             WHERE s.idx_scan = 0 AND NOT i.indisunique AND NOT i.indisprimary
               AND s.schemaname IN ('catalog', 'orders')
             ORDER BY size_bytes DESC
            """;

    static final String SCANNED_TABLES_SQL = """
            SELECT schemaname || '.' || relname AS table_name, seq_scan, seq_tup_read, n_live_tup
              FROM pg_stat_user_tables
             WHERE schemaname IN ('catalog', 'orders') AND seq_scan > 0 AND n_live_tup >= $1
             ORDER BY seq_tup_read DESC
            """;

    /** Foreign keys whose columns are not the leading columns of any index: deletes and joins scan the table. */
    static final String UNINDEXED_FOREIGN_KEYS_SQL = """
            SELECT c.conrelid::regclass::text AS table_name, c.conname AS constraint_name,
                   (SELECT string_agg(a.attname, ', ' ORDER BY k.ord)
                      FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS columns
              FROM pg_constraint c
             WHERE c.contype = 'f' AND c.connamespace::regnamespace::text IN ('catalog', 'orders')
               AND NOT EXISTS (
                     SELECT 1 FROM pg_index i
                      WHERE i.indrelid = c.conrelid
                        AND array_to_string((i.indkey::int2[])[0:cardinality(c.conkey) - 1], ',')
                            = array_to_string(c.conkey, ','))
             ORDER BY 1, 2
            """;

    static final String TABLE_ROWS_SQL = """
            SELECT c.oid::regclass::text AS table_name, c.reltuples::bigint AS n
              FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
             WHERE ns.nspname || '.' || c.relname = ANY($1)
            """;

    private final Pool pool;

    public QueryStatsRepository(Pool pool) {
        this.pool = pool;
    }

    /** @param order "total" or "mean" (allow-listed by the caller) */
    public Uni<List<Statement>> topStatements(String order, int limit) {
        return pool.preparedQuery(String.format(TOP_SQL, TOP_ORDER.get(order))).execute(Tuple.of(limit))
                .map(rows -> list(rows, r -> new Statement(r.getString("queryid"), r.getString("query"),
                        r.getLong("calls"), r.getDouble("total_exec_time"), r.getDouble("mean_exec_time"),
                        r.getLong("rows"), r.getLong("shared_blks_hit"), r.getLong("shared_blks_read"))));
    }

    public Uni<IndexAdvice> indexAdvice() {
        Uni<List<UnusedIndex>> unused = pool.query(UNUSED_INDEXES_SQL).execute().map(rows -> list(rows,
                r -> new UnusedIndex(r.getString("table_name"), r.getString("index_name"), r.getLong("size_bytes"))));
        Uni<List<ScannedTable>> scanned = pool.preparedQuery(SCANNED_TABLES_SQL).execute(Tuple.of(LARGE_TABLE_ROWS))
                .map(rows -> list(rows, r -> new ScannedTable(r.getString("table_name"), r.getLong("seq_scan"),
                        r.getLong("seq_tup_read"), r.getLong("n_live_tup"))));
        Uni<List<UnindexedForeignKey>> foreignKeys = pool.query(UNINDEXED_FOREIGN_KEYS_SQL).execute().map(rows -> list(rows,
                r -> new UnindexedForeignKey(r.getString("table_name"), r.getString("constraint_name"), r.getString("columns"))));
        Uni<String> threshold = pool.query("SELECT current_setting('log_min_duration_statement') AS t").execute()
                .map(rows -> rows.iterator().next().getString("t"));
        return Uni.combine().all().unis(unused, scanned, foreignKeys, threshold).with(IndexAdvice::new);
    }

    /**
     * EXPLAIN (ANALYZE, BUFFERS, VERBOSE: nodes name their schema) in a read-only transaction: the statement runs,
     * and can change nothing.
     */
    public Uni<JsonObject> explainAnalyze(String sql, List<Object> params) {
        return pool.withTransaction(conn -> conn.query("SET TRANSACTION READ ONLY").execute()
                .chain(() -> QueryPlans.explain(conn, "ANALYZE, BUFFERS, VERBOSE", sql, params)));
    }

    /** Estimated rows of each table ("schema.table"), in one query. */
    public Uni<Map<String, Long>> tableRows(List<String> tables) {
        return pool.preparedQuery(TABLE_ROWS_SQL).execute(Tuple.of((Object) tables.toArray(String[]::new))).map(rows -> {
            Map<String, Long> sizes = new HashMap<>();
            for (Row row : rows) {
                sizes.put(row.getString("table_name"), row.getLong("n"));
            }
            return sizes;
        });
    }

    private static <T> List<T> list(io.vertx.mutiny.sqlclient.RowSet<Row> rows, Function<Row, T> map) {
        List<T> result = new ArrayList<>(rows.size());
        for (Row row : rows) {
            result.add(map.apply(row));
        }
        return result;
    }
}
