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

    /** Stock of a variant after a change, and the inventory row's new version. */
    public record StockLevel(long variantId, int quantityAvailable, long version) {
    }

    /** A variant that can be ordered now, at the catalog's price, with its stock row locked. */
    public record SellableStock(long variantId, long productId, String productName, String sku, String size,
                                String color, BigDecimal unitPrice, int quantityAvailable) {
    }

    /**
     * Checkout's first read: price and stock of each requested variant of an active product, locking the stock
     * rows in ascending variant id (the lock is taken above the sort), so that two orders touching the same
     * variants in any line order always lock in the same order and never deadlock.
     */
    static final String LOCK_FOR_CHECKOUT_SQL = """
            SELECT i.product_variant_id, i.quantity_available, v.product_id, v.sku, v.size, v.color, p.name, p.base_price
              FROM catalog.inventory i
              JOIN catalog.product_variants v ON v.id = i.product_variant_id
              JOIN catalog.products p ON p.id = v.product_id
             WHERE i.product_variant_id = ANY($1) AND p.is_active
             ORDER BY i.product_variant_id
               FOR UPDATE OF i
            """;

    /** Locks stock rows in ascending variant id, as checkout does: for returning stock on cancel. */
    static final String LOCK_SQL = """
            SELECT product_variant_id, quantity_available FROM catalog.inventory
             WHERE product_variant_id = ANY($1) ORDER BY product_variant_id FOR UPDATE
            """;

    /** The guard {@code quantity_available >= d.qty} makes overselling impossible even without the lock. */
    static final String DECREMENT_SQL = """
            UPDATE catalog.inventory i
               SET quantity_available = i.quantity_available - d.qty, version = i.version + 1, updated_at = now()
              FROM unnest($1::int8[], $2::int4[]) AS d(id, qty)
             WHERE i.product_variant_id = d.id AND i.quantity_available >= d.qty
            RETURNING i.product_variant_id, i.quantity_available, i.version
            """;

    static final String INCREMENT_SQL = """
            UPDATE catalog.inventory i
               SET quantity_available = i.quantity_available + d.qty, version = i.version + 1, updated_at = now()
              FROM unnest($1::int8[], $2::int4[]) AS d(id, qty)
             WHERE i.product_variant_id = d.id
            RETURNING i.product_variant_id, i.quantity_available, i.version
            """;

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

    public Uni<List<StockLevel>> decrement(SqlConnection conn, Long[] variantIds, Integer[] quantities) {
        return change(conn, DECREMENT_SQL, variantIds, quantities);
    }

    public Uni<List<StockLevel>> increment(SqlConnection conn, Long[] variantIds, Integer[] quantities) {
        return change(conn, INCREMENT_SQL, variantIds, quantities);
    }

    private static Uni<List<StockLevel>> change(SqlConnection conn, String sql, Long[] variantIds, Integer[] quantities) {
        return conn.preparedQuery(sql).execute(Tuple.of(variantIds, quantities)).map(rows -> {
            List<StockLevel> levels = new ArrayList<>(rows.size());
            for (Row row : rows) {
                levels.add(new StockLevel(row.getLong("product_variant_id"), row.getInteger("quantity_available"),
                        row.getLong("version")));
            }
            return levels;
        });
    }
}
