package io.shop.catalog.repository;

import io.shop.catalog.model.Versioned;
import io.shop.catalog.model.ProductDetail;
import io.shop.catalog.model.ProductSummary;
import io.shop.catalog.model.Variant;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Repository class for the hot product reads, on the reactive PostgreSQL pool (prepared, pipelined). */
@ApplicationScoped
public class ProductRepository {

    /** The seed's homepage query rewritten: the partial index products_featured_idx answers it in order. */
    public static final String FEATURED_SQL = SummaryRows.decoratePage(
            "SELECT " + SummaryRows.PAGE_COLUMNS + " FROM catalog.products p WHERE p.is_featured AND p.is_active"
                    + " ORDER BY p.created_at DESC, p.id DESC LIMIT $1",
            "p.created_at DESC, p.id DESC");

    public static final String PRODUCT_SQL = """
            SELECT p.id, p.name, p.description, p.base_price, p.category_id, c.name AS category_name,
                   p.is_featured, p.created_at, p.version
              FROM catalog.products p
              JOIN catalog.categories c ON c.id = p.category_id
             WHERE p.id = $1 AND p.is_active
            """;

    /**
     * Each leg of the product page reads the product's version in its own snapshot (legs run on different
     * connections); the page is labelled with the lowest, so its every part is at least that new.
     */
    public static final String VARIANTS_SQL = """
            SELECT p.version AS product_version, v.id, v.sku, v.size, v.color,
                   coalesce(i.quantity_available, 0) AS quantity_available
              FROM catalog.products p
              LEFT JOIN catalog.product_variants v ON v.product_id = p.id
              LEFT JOIN catalog.inventory i ON i.product_variant_id = v.id
             WHERE p.id = $1
             ORDER BY v.id
            """;

    private final Pool pool;

    public ProductRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<List<ProductSummary>> findFeatured(int limit) {
        return pool.preparedQuery(FEATURED_SQL).execute(Tuple.of(limit)).map(ProductRepository::summaries);
    }

    public Uni<Optional<ProductDetail.Core>> findActiveById(long id) {
        return pool.preparedQuery(PRODUCT_SQL).execute(Tuple.of(id)).map(rows -> {
            var it = rows.iterator();
            if (!it.hasNext()) {
                return Optional.empty();
            }
            Row row = it.next();
            return Optional.of(new ProductDetail.Core(row.getLong("id"), row.getString("name"),
                    row.getString("description"), row.getBigDecimal("base_price"), row.getLong("category_id"),
                    row.getString("category_name"), row.getBoolean("is_featured"),
                    row.getOffsetDateTime("created_at"), row.getLong("version")));
        });
    }

    /** The variants with stock, and the product version this snapshot saw (0 if the product does not exist). */
    public Uni<Versioned<List<Variant>>> findVariantsWithStock(long productId) {
        return pool.preparedQuery(VARIANTS_SQL).execute(Tuple.of(productId)).map(rows -> {
            List<Variant> variants = new ArrayList<>(rows.size());
            long version = 0;
            for (Row row : rows) {
                version = row.getLong("product_version");
                if (row.getLong("id") != null) {
                    variants.add(new Variant(row.getLong("id"), row.getString("sku"), row.getString("size"),
                            row.getString("color"), row.getInteger("quantity_available")));
                }
            }
            return new Versioned<>(version, variants);
        });
    }

    static List<ProductSummary> summaries(RowSet<Row> rows) {
        List<ProductSummary> result = new ArrayList<>(rows.size());
        for (Row row : rows) {
            result.add(SummaryRows.toSummary(row));
        }
        return result;
    }
}
