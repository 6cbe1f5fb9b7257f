package io.shop.order.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Repository class for the stock that checkout and cancel move, always inside the caller's transaction. */
@ApplicationScoped
public class InventoryRepository {

    /** Stock of a variant after a change, and whether it went from none to some or from some to none. */
    public record StockLevel(long variantId, int quantityAvailable, boolean crossedZero) {
    }

    /** A product's version and featured flag after its stock changed (the stock trigger bumps the version). */
    public record ProductVersion(long productId, long version, boolean featured) {
    }

    /** Everything a stock change moved: the variants' levels and their products' new versions. */
    public record StockChange(List<StockLevel> levels, List<ProductVersion> products) {
    }

    /** A variant that can be ordered now, at the catalog's price, with its stock row locked. */
    public record SellableStock(long variantId, long productId, String productName, String sku, String size,
                                String color, BigDecimal unitPrice, int quantityAvailable) {
    }

    /**
     * Checkout's first read: price and stock of each requested variant of an active product, locking each product
     * row and then its stock rows in ascending (product id, variant id) order (the lock is taken above the sort).
     * Every writer of stock locks in this order, and the stock trigger's product UPDATE then finds its row already
     * held, so two orders touching the same products in any line order never deadlock.
     */
    static final String LOCK_FOR_CHECKOUT_SQL = """
            SELECT i.product_variant_id, i.quantity_available, v.product_id, v.sku, v.size, v.color, p.name, p.base_price
              FROM catalog.inventory i
              JOIN catalog.product_variants v ON v.id = i.product_variant_id
              JOIN catalog.products p ON p.id = v.product_id
             WHERE i.product_variant_id = ANY($1) AND p.is_active
             ORDER BY p.id, i.product_variant_id
               FOR UPDATE OF p, i
            """;

    /** Locks product rows, then stock rows, in the order checkout does: for returning stock on cancel. */
    static final String LOCK_SQL = """
            SELECT i.product_variant_id
              FROM catalog.inventory i
              JOIN catalog.product_variants v ON v.id = i.product_variant_id
              JOIN catalog.products p ON p.id = v.product_id
             WHERE i.product_variant_id = ANY($1)
             ORDER BY p.id, i.product_variant_id
               FOR UPDATE OF p, i
            """;

    /** The guard {@code quantity_available >= d.qty} makes overselling impossible even without the lock. */
    static final String DECREMENT_SQL = """
            UPDATE catalog.inventory i
               SET quantity_available = i.quantity_available - d.qty, version = i.version + 1, updated_at = now()
              FROM unnest($1::int8[], $2::int4[]) AS d(id, qty)
             WHERE i.product_variant_id = d.id AND i.quantity_available >= d.qty
            RETURNING i.product_variant_id, i.quantity_available,
                      (i.quantity_available > 0) <> (i.quantity_available + d.qty > 0) AS crossed_zero
            """;

    static final String INCREMENT_SQL = """
            UPDATE catalog.inventory i
               SET quantity_available = i.quantity_available + d.qty, version = i.version + 1, updated_at = now()
              FROM unnest($1::int8[], $2::int4[]) AS d(id, qty)
             WHERE i.product_variant_id = d.id
            RETURNING i.product_variant_id, i.quantity_available,
                      (i.quantity_available > 0) <> (i.quantity_available - d.qty > 0) AS crossed_zero
            """;

    static final String PRODUCT_VERSIONS_SQL = "SELECT id, version, is_featured FROM catalog.products WHERE id = ANY($1)";

    public Uni<Map<Long, SellableStock>> lockForCheckout(SqlConnection conn, Long[] variantIds) {
        return conn.preparedQuery(LOCK_FOR_CHECKOUT_SQL).execute(Tuple.of((Object) variantIds)).map(rows -> {
            Map<Long, SellableStock> sellable = new HashMap<>();
            for (Row row : rows) {
                sellable.put(row.getLong("product_variant_id"), new SellableStock(row.getLong("product_variant_id"),
                        row.getLong("product_id"), row.getString("name"), row.getString("sku"), row.getString("size"),
                        row.getString("color"), row.getBigDecimal("base_price"), row.getInteger("quantity_available")));
            }
            return sellable;
        });
    }

    public Uni<Void> lockStock(SqlConnection conn, Long[] variantIds) {
        return conn.preparedQuery(LOCK_SQL).execute(Tuple.of((Object) variantIds)).replaceWithVoid();
    }

    public Uni<StockChange> decrement(SqlConnection conn, Long[] variantIds, Integer[] quantities, Long[] productIds) {
        return change(conn, DECREMENT_SQL, variantIds, quantities, productIds);
    }

    public Uni<StockChange> increment(SqlConnection conn, Long[] variantIds, Integer[] quantities, Long[] productIds) {
        return change(conn, INCREMENT_SQL, variantIds, quantities, productIds);
    }

    /** The UPDATE, then the products' versions as its trigger left them (sent together, pipelined). */
    private static Uni<StockChange> change(SqlConnection conn, String sql, Long[] variantIds, Integer[] quantities,
                                           Long[] productIds) {
        Uni<List<StockLevel>> levels = conn.preparedQuery(sql).execute(Tuple.of(variantIds, quantities)).map(rows -> {
            List<StockLevel> result = new ArrayList<>(rows.size());
            for (Row row : rows) {
                result.add(new StockLevel(row.getLong("product_variant_id"), row.getInteger("quantity_available"),
                        row.getBoolean("crossed_zero")));
            }
            return result;
        });
        Uni<List<ProductVersion>> products = conn.preparedQuery(PRODUCT_VERSIONS_SQL)
                .execute(Tuple.of((Object) productIds)).map(rows -> {
                    List<ProductVersion> result = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        result.add(new ProductVersion(row.getLong("id"), row.getLong("version"),
                                row.getBoolean("is_featured")));
                    }
                    return result;
                });
        return Uni.combine().all().unis(levels, products).with(StockChange::new);
    }
}
