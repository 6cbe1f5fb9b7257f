package io.shop.catalog.service;

import io.shop.catalog.model.QueryReports.IndexAdvice;
import io.shop.catalog.model.QueryReports.Plan;
import io.shop.catalog.model.QueryReports.SequentialScan;
import io.shop.catalog.model.QueryReports.Statement;
import io.shop.catalog.model.SearchCriteria;
import io.shop.catalog.model.SearchSort;
import io.shop.catalog.repository.ProductRepository;
import io.shop.catalog.repository.ProductSearchRepository;
import io.shop.catalog.repository.QueryPlans;
import io.shop.catalog.repository.QueryStatsRepository;
import io.shop.catalog.repository.ReviewRepository;
import io.shop.common.error.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Service class for the seed's query analyzer: top statements, plans of the named hot queries with a plain
 * verdict, and index advice. Only named queries can be explained: the API never runs SQL it is sent.
 */
@ApplicationScoped
public class QueryAnalyzer {

    /** A named query exactly as the service sends it, with representative parameters. */
    record NamedQuery(String sql, List<Object> params) {
    }

    /** A product id that exists in the generated data (ids are dense from 1). */
    static final long SAMPLE_PRODUCT = 42;

    /**
     * The seed's original search (ILIKE on name and description, DISTINCT over variants), on this schema: the
     * analyzer's reference for a query that reads the products table in full.
     */
    static final String SEED_SEARCH_SQL = """
            SELECT DISTINCT p.id, p.name, p.base_price, c.name AS category_name
              FROM catalog.products p
              JOIN catalog.categories c ON p.category_id = c.id
              JOIN catalog.product_variants pv ON pv.product_id = p.id
              JOIN catalog.inventory i ON i.product_variant_id = pv.id
             WHERE (p.name ILIKE '%' || $1 || '%' OR p.description ILIKE '%' || $1 || '%')
               AND p.is_active AND i.quantity_available > 0 AND p.base_price BETWEEN 500 AND 2000
             ORDER BY p.base_price
            """;

    private final QueryStatsRepository stats;
    private final Map<String, NamedQuery> named = new LinkedHashMap<>();

    public QueryAnalyzer(QueryStatsRepository stats) {
        this.stats = stats;
        named.put("featured", new NamedQuery(ProductRepository.FEATURED_SQL, List.of(12)));
        named.put("product", new NamedQuery(ProductRepository.PRODUCT_SQL, List.of(SAMPLE_PRODUCT)));
        named.put("product-variants", new NamedQuery(ProductRepository.VARIANTS_SQL, List.of(SAMPLE_PRODUCT)));
        named.put("product-rating", new NamedQuery(ReviewRepository.RATING_SQL, List.of(SAMPLE_PRODUCT)));
        named.put("product-reviews", new NamedQuery(ReviewRepository.RECENT_SQL, List.of(SAMPLE_PRODUCT, 5)));
        ProductSearchRepository.Statement search = ProductSearchRepository.build(new SearchCriteria("laptop", null,
                new BigDecimal("500"), new BigDecimal("2000"), true, SearchSort.PRICE_ASC, 20, null, null));
        named.put("search", new NamedQuery(search.sql(), search.params()));
        named.put("seed-search", new NamedQuery(SEED_SEARCH_SQL, List.of("laptop")));
    }

    public List<String> namedQueries() {
        return List.copyOf(named.keySet());
    }

    public Uni<List<Statement>> topStatements(String order, int limit) {
        return stats.topStatements(order, limit)
                // SQLSTATE 55000: the extension exists but the server was started without it preloaded.
                .onFailure(e -> e instanceof PgException pg && "55000".equals(pg.getSqlState()))
                .transform(e -> ProblemException.unavailable("pg_stat_statements is not loaded on this PostgreSQL "
                        + "server: add it to shared_preload_libraries and restart the server"));
    }

    public Uni<IndexAdvice> indexAdvice() {
        return stats.indexAdvice();
    }

    public Uni<List<Plan>> explainAll() {
        List<Uni<Plan>> plans = named.keySet().stream().map(this::explain).toList();
        return Uni.join().all(plans).andFailFast();
    }

    public Uni<Plan> explain(String name) {
        NamedQuery query = named.get(name);
        if (query == null) {
            throw ProblemException.notFound("No named query " + name + "; known: " + String.join(", ", named.keySet()));
        }
        return stats.explainAnalyze(query.sql(), query.params()).chain(root -> {
            List<JsonObject> nodes = QueryPlans.nodes(root);
            Set<String> indexes = new LinkedHashSet<>();
            Set<String> scannedTables = new LinkedHashSet<>();
            for (JsonObject node : nodes) {
                if (node.getString("Index Name") != null) {
                    indexes.add(node.getString("Index Name"));
                }
                if ("Seq Scan".equals(node.getString("Node Type"))) {
                    scannedTables.add(node.getString("Schema") + "." + node.getString("Relation Name"));
                }
            }
            Uni<Map<String, Long>> sizes = scannedTables.isEmpty() ? Uni.createFrom().item(Map.of())
                    : stats.tableRows(List.copyOf(scannedTables));
            return sizes.map(rowsByTable -> {
                List<SequentialScan> large = scannedTables.stream()
                        .map(table -> new SequentialScan(table, rowsByTable.getOrDefault(table, 0L)))
                        .filter(scan -> scan.tableRows() >= QueryStatsRepository.LARGE_TABLE_ROWS).toList();
                JsonObject top = root.getJsonObject("Plan");
                return new Plan(name, query.sql().strip(), query.params(), verdict(large, indexes), List.copyOf(indexes),
                        large, top.getLong("Actual Rows", 0L), root.getDouble("Planning Time", 0.0),
                        root.getDouble("Execution Time", 0.0), top.getLong("Shared Hit Blocks", 0L),
                        top.getLong("Shared Read Blocks", 0L));
            });
        });
    }

    static String verdict(List<SequentialScan> largeScans, Set<String> indexes) {
        if (!largeScans.isEmpty()) {
            SequentialScan first = largeScans.get(0);
            return "reads " + first.table() + " (" + first.tableRows() + " rows) with a sequential scan"
                    + (largeScans.size() > 1 ? " and " + (largeScans.size() - 1) + " more large table(s)" : "")
                    + ": needs an index for its filter";
        }
        if (!indexes.isEmpty()) {
            return "uses index " + String.join(", ", indexes);
        }
        return "reads only small tables; no index needed";
    }
}
