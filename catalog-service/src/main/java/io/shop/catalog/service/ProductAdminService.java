package io.shop.catalog.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shop.catalog.model.AdminProduct;
import io.shop.catalog.model.ProductUpdate;
import io.shop.catalog.model.StockLevel;
import io.shop.catalog.repository.ProductWriteRepository;
import io.shop.common.error.ProblemException;
import io.shop.common.events.ProductChanged;
import io.shop.common.outbox.OutboxEvent;
import io.shop.common.outbox.OutboxWriter;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Service class for admin writes to the catalog: price, featured and active flags, restock. Each write and its
 * ProductChanged outbox event commit together; the relay publishes the event and the invalidator evicts the caches.
 */
@ApplicationScoped
public class ProductAdminService {

    /** Written to catalog.outbox in the same transaction as the change. */
    public static final String OUTBOX_TABLE = "catalog.outbox";

    private final Pool pool;
    private final ProductWriteRepository writes;
    private final ObjectMapper json;

    public ProductAdminService(Pool pool, ProductWriteRepository writes, ObjectMapper json) {
        this.pool = pool;
        this.writes = writes;
        this.json = json;
    }

    public Uni<AdminProduct> updateProduct(long id, ProductUpdate update) {
        if (update.isEmpty()) {
            throw ProblemException.badRequest("body", "name at least one of price, featured, active");
        }
        return pool.withTransaction(conn -> writes.update(conn, id, update).chain(found -> {
            var p = found.orElseThrow(() -> ProblemException.notFound("No product with id " + id));
            String change = update.price() != null ? "price" : "flags";
            OutboxEvent event = new ProductChanged(id, change, p.listingChanged(), p.featured() || p.wasFeatured())
                    .toOutbox(json, p.version());
            return OutboxWriter.append(conn, OUTBOX_TABLE, List.of(event))
                    .replaceWith(new AdminProduct(p.id(), p.price(), p.featured(), p.active(), p.version()));
        }));
    }

    public Uni<StockLevel> restock(long productId, long variantId, int quantity) {
        return pool.withTransaction(conn -> writes.restock(conn, productId, variantId, quantity).chain(found -> {
            var r = found.orElseThrow(() -> ProblemException.notFound(
                    "Product " + productId + " has no variant " + variantId));
            OutboxEvent event = new ProductChanged(productId, "stock", r.crossedZero(), r.featured())
                    .toOutbox(json, r.version());
            return OutboxWriter.append(conn, OUTBOX_TABLE, List.of(event))
                    .replaceWith(new StockLevel(productId, variantId, r.quantityAvailable(), r.version()));
        }));
    }
}
