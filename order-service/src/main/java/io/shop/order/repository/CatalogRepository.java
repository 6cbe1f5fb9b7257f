package io.shop.order.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/** Repository class for what checkout reads from the catalog: sellable variants and their current price. */
@ApplicationScoped
public class CatalogRepository {

    /** A variant that can be ordered now, at the price the database says. */
    public record SellableVariant(long variantId, long productId, String productName, String sku, String size,
                                  String color, BigDecimal unitPrice) {
    }

    static final String SELLABLE_SQL = """
            SELECT v.id, v.product_id, p.name, v.sku, v.size, v.color, p.base_price
              FROM catalog.product_variants v JOIN catalog.products p ON p.id = v.product_id
             WHERE v.id = ANY($1) AND p.is_active
            """;

    public Uni<Map<Long, SellableVariant>> findSellable(SqlClient client, Long[] variantIds) {
        return client.preparedQuery(SELLABLE_SQL).execute(Tuple.of((Object) variantIds)).map(rows -> {
            Map<Long, SellableVariant> variants = new HashMap<>();
            for (Row row : rows) {
                variants.put(row.getLong("id"), new SellableVariant(row.getLong("id"), row.getLong("product_id"),
                        row.getString("name"), row.getString("sku"), row.getString("size"), row.getString("color"),
                        row.getBigDecimal("base_price")));
            }
            return variants;
        });
    }
}
