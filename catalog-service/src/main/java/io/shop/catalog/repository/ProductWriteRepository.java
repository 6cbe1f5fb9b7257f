package io.shop.catalog.repository;

import io.shop.catalog.model.ProductUpdate;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * Repository class for admin writes, always in the caller's transaction. Like checkout, a write locks the product
 * row before any stock row, so writers never deadlock; every write bumps the product's version (directly, or
 * through the stock trigger).
 */
@ApplicationScoped
public class ProductWriteRepository {

    /** The product after an update, what it was before, and whether lists (search, featured) show a change. */
    public record UpdatedProduct(long id, BigDecimal price, boolean featured, boolean active, long version,
                                 boolean wasFeatured, boolean listingChanged) {
    }

    /** A variant's stock after a restock and its product's new version. */
    public record Restocked(long productId, long variantId, int quantityAvailable, boolean crossedZero, long version,
                            boolean featured) {
    }

    static final String UPDATE_SQL = """
            UPDATE catalog.products p
               SET base_price = coalesce($2, p.base_price), is_featured = coalesce($3, p.is_featured),
                   is_active = coalesce($4, p.is_active), version = p.version + 1, updated_at = now()
              FROM (SELECT id, base_price, is_featured, is_active FROM catalog.products WHERE id = $1 FOR UPDATE) old
             WHERE p.id = old.id
            RETURNING p.id, p.base_price, p.is_featured, p.is_active, p.version, old.is_featured AS was_featured,
                      (p.base_price, p.is_featured, p.is_active)
                          IS DISTINCT FROM (old.base_price, old.is_featured, old.is_active) AS listing_changed
            """;

    static final String LOCK_PRODUCT_OF_VARIANT_SQL = """
            SELECT p.id FROM catalog.products p JOIN catalog.product_variants v ON v.product_id = p.id
             WHERE v.id = $1 AND p.id = $2
               FOR UPDATE OF p
            """;

    static final String RESTOCK_SQL = """
            UPDATE catalog.inventory
               SET quantity_available = quantity_available + $2, version = version + 1, updated_at = now()
             WHERE product_variant_id = $1
            RETURNING quantity_available, quantity_available = $2 AS crossed_zero
            """;

    static final String PRODUCT_VERSION_SQL = "SELECT version, is_featured FROM catalog.products WHERE id = $1";

    public Uni<Optional<UpdatedProduct>> update(SqlConnection conn, long id, ProductUpdate update) {
        return conn.preparedQuery(UPDATE_SQL)
                .execute(Tuple.of(id, update.price(), update.featured(), update.active()))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return Optional.empty();
                    }
                    Row row = it.next();
                    return Optional.of(new UpdatedProduct(row.getLong("id"), row.getBigDecimal("base_price"),
                            row.getBoolean("is_featured"), row.getBoolean("is_active"), row.getLong("version"),
                            row.getBoolean("was_featured"), row.getBoolean("listing_changed")));
                });
    }

    /** Empty if the variant is not one of the product's. */
    public Uni<Optional<Restocked>> restock(SqlConnection conn, long productId, long variantId, int quantity) {
        return conn.preparedQuery(LOCK_PRODUCT_OF_VARIANT_SQL).execute(Tuple.of(variantId, productId)).chain(locked -> {
            if (locked.size() == 0) {
                return Uni.createFrom().item(Optional.<Restocked>empty());
            }
            Uni<Row> stock = conn.preparedQuery(RESTOCK_SQL).execute(Tuple.of(variantId, quantity))
                    .map(rows -> rows.iterator().next());
            Uni<Row> product = conn.preparedQuery(PRODUCT_VERSION_SQL).execute(Tuple.of(productId))
                    .map(rows -> rows.iterator().next());
            return Uni.combine().all().unis(stock, product).with((s, p) -> Optional.of(new Restocked(productId,
                    variantId, s.getInteger("quantity_available"), s.getBoolean("crossed_zero"), p.getLong("version"),
                    p.getBoolean("is_featured"))));
        });
    }
}
