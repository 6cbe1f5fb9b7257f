package io.shop.order;

import io.shop.common.testing.TestData;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/** Arranges shop data for order tests: sellable variants with a known stock, and counts of what was written. */
public final class Shop {

    /** Each call hands out variants no other test has touched in this run. */
    private static final AtomicInteger NEXT_VARIANT = new AtomicInteger();

    private Shop() {
    }

    /** Active-product variants with exactly {@code stock} units each, unused by other tests in this run. */
    public static List<Long> variantsWithStock(DataSource db, int count, int stock) {
        int offset = NEXT_VARIANT.getAndAdd(count);
        List<Long> ids = TestData.column(db, Long.class, """
                SELECT v.id FROM catalog.product_variants v JOIN catalog.products p ON p.id = v.product_id
                 WHERE p.is_active ORDER BY v.id DESC OFFSET ? LIMIT ?""", offset, count);
        for (Long id : ids) {
            TestData.execute(db, "UPDATE catalog.inventory SET quantity_available = ? WHERE product_variant_id = ?", stock, id);
        }
        return ids;
    }

    public static int stockOf(DataSource db, long variantId) {
        return TestData.single(db, Integer.class,
                "SELECT quantity_available FROM catalog.inventory WHERE product_variant_id = ?", variantId);
    }

    /** Orders placed for a variant and the units they hold, to check that units are conserved. */
    public static long unitsOrdered(DataSource db, long variantId) {
        return TestData.single(db, Long.class, """
                SELECT coalesce(sum(oi.quantity), 0) FROM orders.order_items oi JOIN orders.orders o ON o.id = oi.order_id
                 WHERE oi.product_variant_id = ? AND o.status <> 'CANCELLED'""", variantId);
    }

    /** Everything checkout writes for a user: orders, idempotency records and outbox rows. */
    public static long rowsWrittenFor(DataSource db, long userId) {
        return TestData.single(db, Long.class, """
                SELECT (SELECT count(*) FROM orders.orders WHERE user_id = ?)
                     + (SELECT count(*) FROM orders.idempotency_keys WHERE user_id = ?)
                     + (SELECT count(*) FROM orders.outbox WHERE payload ->> 'userId' = ?::text)""",
                userId, userId, String.valueOf(userId));
    }
}
