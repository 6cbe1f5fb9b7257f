package io.shop.order.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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

    /**
     * A variant with its stock row and its product's row locked: what an order line snapshots (name, SKU, price),
     * its stock, and its product's version and featured flag as they stand under the lock.
     */
    public record LockedStock(long variantId, long productId, String productName, String sku, String size,
                              String color, BigDecimal unitPrice, int quantityAvailable, long productVersion,
                              boolean featured) {
    }

    /**
     * Locks each product row and then its stock rows in ascending (product id, variant id) order (the lock is taken
     * above the sort). Every writer of stock locks in this order, and the stock trigger's product UPDATE then finds
     * its row already held, so two orders touching the same products in any line order never deadlock. NO KEY
     * UPDATE, the lock an UPDATE of non-key columns takes: it does not block foreign-key checks (a review, an order
     * line) on the same rows.
     */
    private static final String LOCK_SQL = """
            SELECT i.product_variant_id, i.quantity_available, v.product_id, v.sku, v.size, v.color,
                   p.name, p.base_price, p.version, p.is_featured
              FROM catalog.inventory i
              JOIN catalog.product_variants v ON v.id = i.product_variant_id
              JOIN catalog.products p ON p.id = v.product_id
             WHERE i.product_variant_id = ANY($1) %s
             ORDER BY p.id, i.product_variant_id
               FOR NO KEY UPDATE OF p, i
            """;

    /** Checkout's first read: price and stock of each requested variant of an active product, locked. */
    static final String LOCK_FOR_CHECKOUT_SQL = LOCK_SQL.formatted("AND p.is_active");

    /** The same locks for returning stock on cancel, whatever the product's state now. */
    static final String LOCK_FOR_RETURN_SQL = LOCK_SQL.formatted("");

    /**
     * Without a guard in the WHERE clause: the rows are locked and were checked, and should a decrement ever go below
     * zero, the table's CHECK fails the statement, and with it the transaction, instead of skipping the row.
     */
    static final String CHANGE_SQL = """
            UPDATE catalog.inventory i
               SET quantity_available = i.quantity_available + d.delta, version = i.version + 1, updated_at = now()
              FROM unnest($1::int8[], $2::int4[]) AS d(id, delta)
             WHERE i.product_variant_id = d.id
            """;

    /** Locks the variants for checkout; variants of inactive products (or none at all) are missing from the map. */
    public Uni<Map<Long, LockedStock>> lockForCheckout(SqlConnection conn, Long[] variantIds) {
        return lock(conn, LOCK_FOR_CHECKOUT_SQL, variantIds);
    }

    /** Locks the variants for returning stock. */
    public Uni<Map<Long, LockedStock>> lockForReturn(SqlConnection conn, Long[] variantIds) {
        return lock(conn, LOCK_FOR_RETURN_SQL, variantIds);
    }

    private static Uni<Map<Long, LockedStock>> lock(SqlConnection conn, String sql, Long[] variantIds) {
        return conn.preparedQuery(sql).execute(Tuple.of((Object) variantIds)).map(rows -> {
            Map<Long, LockedStock> locked = new LinkedHashMap<>();
            for (Row row : rows) {
                locked.put(row.getLong("product_variant_id"), new LockedStock(row.getLong("product_variant_id"),
                        row.getLong("product_id"), row.getString("name"), row.getString("sku"), row.getString("size"),
                        row.getString("color"), row.getBigDecimal("base_price"), row.getInteger("quantity_available"),
                        row.getLong("version"), row.getBoolean("is_featured")));
            }
            return locked;
        });
    }

    /** Adds each delta (negative for a sale) to its variant's stock; the rows must be locked by this transaction. */
    public Uni<Void> change(SqlConnection conn, Long[] variantIds, Integer[] deltas) {
        return conn.preparedQuery(CHANGE_SQL).execute(Tuple.of(variantIds, deltas)).replaceWithVoid();
    }

    /**
     * What {@link #change} will leave, known before it runs because the rows are locked: each variant's new level,
     * and each product's new version, its version under the lock plus one per variant row changed (the stock
     * trigger, catalog.maintain_in_stock_variants, bumps it once per row). So the outbox event can go out in the
     * same pipeline as the change and the COMMIT, and the product rows stay locked one round trip, not two. Were
     * the trigger ever to add more, the events would carry versions lower than the rows' but still above every
     * page read before the change: caches would refill a little later, never serve an older page.
     */
    public static StockChange afterChange(Map<Long, LockedStock> locked, Long[] variantIds, Integer[] deltas) {
        List<StockLevel> levels = new ArrayList<>(variantIds.length);
        Map<Long, ProductVersion> products = new TreeMap<>();
        for (int i = 0; i < variantIds.length; i++) {
            LockedStock before = locked.get(variantIds[i]);
            int after = before.quantityAvailable() + deltas[i];
            levels.add(new StockLevel(before.variantId(), after, (after > 0) != (before.quantityAvailable() > 0)));
            products.merge(before.productId(),
                    new ProductVersion(before.productId(), before.productVersion() + 1, before.featured()),
                    (counted, next) -> new ProductVersion(counted.productId(), counted.version() + 1, counted.featured()));
        }
        return new StockChange(levels, List.copyOf(products.values()));
    }
}
