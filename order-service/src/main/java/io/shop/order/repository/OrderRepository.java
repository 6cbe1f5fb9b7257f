package io.shop.order.repository;

import io.shop.order.model.Order;
import io.shop.order.model.OrderLine;
import io.shop.order.model.OrderStatus;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Repository class for orders and their lines, on the reactive PostgreSQL client. */
@ApplicationScoped
public class OrderRepository {

    static final String ORDER_COLUMNS = "id, status, total_amount, item_count, created_at, version";

    /** A page of one customer's history, newest first: an index-only scan of orders_user_history_idx. */
    static final String HISTORY_FIRST_PAGE_SQL = "SELECT " + ORDER_COLUMNS + " FROM orders.orders"
            + " WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2";

    static final String HISTORY_NEXT_PAGE_SQL = "SELECT " + ORDER_COLUMNS + " FROM orders.orders"
            + " WHERE user_id = $1 AND (created_at, id) < ($3, $4) ORDER BY created_at DESC, id DESC LIMIT $2";

    /** The lines of many orders in one round trip: never one query per order. */
    static final String LINES_SQL = """
            SELECT order_id, product_variant_id, product_id, product_name, sku, size, color, quantity, unit_price
              FROM orders.order_items
             WHERE order_id = ANY($1)
             ORDER BY order_id, id
            """;

    static final String FIND_FOR_USER_SQL = "SELECT " + ORDER_COLUMNS + " FROM orders.orders WHERE id = $1 AND user_id = $2";

    static final String FIND_BY_ID_SQL = "SELECT " + ORDER_COLUMNS + " FROM orders.orders WHERE id = $1";

    /** The id the next order will have, and the transaction's timestamp, which its created_at defaults to. */
    static final String RESERVE_SQL = "SELECT nextval('orders.orders_id_seq') AS id, now() AS created_at";

    static final String INSERT_ORDER_SQL = """
            INSERT INTO orders.orders (id, user_id, status, total_amount, item_count)
            VALUES ($1, $2, 'PLACED', $3, $4)
            """;

    static final String INSERT_ITEMS_SQL = """
            INSERT INTO orders.order_items (order_id, product_variant_id, product_id, product_name, sku, size, color,
                                            quantity, unit_price)
            SELECT $1, d.variant_id, d.product_id, d.name, d.sku, d.size, d.color, d.qty, d.price::numeric
              FROM unnest($2::int8[], $3::int8[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int4[], $9::text[])
                   WITH ORDINALITY AS d(variant_id, product_id, name, sku, size, color, qty, price, n)
             ORDER BY d.n
            """;

    static final String SET_STATUS_SQL = """
            UPDATE orders.orders SET status = $2, version = version + 1, updated_at = now()
             WHERE id = $1
            RETURNING\s""" + ORDER_COLUMNS;

    public Uni<List<Order>> findHistoryPage(SqlClient client, long userId, int limit, OffsetDateTime afterCreatedAt,
                                            Long afterId) {
        Uni<RowSet<Row>> rows = afterId == null
                ? client.preparedQuery(HISTORY_FIRST_PAGE_SQL).execute(Tuple.of(userId, limit))
                : client.preparedQuery(HISTORY_NEXT_PAGE_SQL).execute(Tuple.of(userId, limit, afterCreatedAt, afterId));
        return rows.map(OrderRepository::orders);
    }

    /** Lines per order id, for any number of orders, in one query. */
    public Uni<Map<Long, List<OrderLine>>> findLines(SqlClient client, Long[] orderIds) {
        return client.preparedQuery(LINES_SQL).execute(Tuple.of((Object) orderIds)).map(rows -> {
            Map<Long, List<OrderLine>> lines = new LinkedHashMap<>();
            for (Row row : rows) {
                lines.computeIfAbsent(row.getLong("order_id"), id -> new ArrayList<>()).add(new OrderLine(
                        row.getLong("product_variant_id"), row.getLong("product_id"), row.getString("product_name"),
                        row.getString("sku"), row.getString("size"), row.getString("color"),
                        row.getInteger("quantity"), row.getBigDecimal("unit_price")));
            }
            return lines;
        });
    }

    /** The order if it belongs to the user; {@code forUpdate} locks it for a status change. */
    public Uni<Optional<Order>> findForUser(SqlClient client, long orderId, long userId, boolean forUpdate) {
        return client.preparedQuery(FIND_FOR_USER_SQL + (forUpdate ? " FOR UPDATE" : ""))
                .execute(Tuple.of(orderId, userId))
                .map(rows -> orders(rows).stream().findFirst());
    }

    /** Any customer's order: for admin operations only. */
    public Uni<Optional<Order>> findById(SqlClient client, long orderId, boolean forUpdate) {
        return client.preparedQuery(FIND_BY_ID_SQL + (forUpdate ? " FOR UPDATE" : ""))
                .execute(Tuple.of(orderId))
                .map(rows -> orders(rows).stream().findFirst());
    }

    /**
     * A new order's id and creation time, taken before it is inserted, so that everything written about it (lines,
     * event, stored response) can go out in the same pipeline as the insert. An id reserved for an order that is
     * then not placed stays unused, as with any rolled-back insert.
     */
    public Uni<Reservation> reserve(SqlConnection conn) {
        return conn.preparedQuery(RESERVE_SQL).execute().map(rows -> {
            Row row = rows.iterator().next();
            return new Reservation(row.getLong("id"), row.getOffsetDateTime("created_at"));
        });
    }

    /** A reserved order id and the creation time the order will have. */
    public record Reservation(long id, OffsetDateTime createdAt) {
    }

    /** Inserts a reserved order (version 1, created at the transaction's timestamp, as the columns' defaults say). */
    public Uni<Void> insertOrder(SqlConnection conn, long userId, Order order) {
        return conn.preparedQuery(INSERT_ORDER_SQL)
                .execute(Tuple.of(order.id(), userId, order.total(), order.itemCount())).replaceWithVoid();
    }

    /** All lines of an order in one statement, each with its snapshot of what was bought. */
    public Uni<Void> insertItems(SqlConnection conn, long orderId, List<OrderLine> lines) {
        Tuple params = Tuple.tuple().addLong(orderId)
                .addArrayOfLong(lines.stream().map(OrderLine::variantId).toArray(Long[]::new))
                .addArrayOfLong(lines.stream().map(OrderLine::productId).toArray(Long[]::new))
                .addArrayOfString(lines.stream().map(OrderLine::productName).toArray(String[]::new))
                .addArrayOfString(lines.stream().map(OrderLine::sku).toArray(String[]::new))
                .addArrayOfString(lines.stream().map(OrderLine::size).toArray(String[]::new))
                .addArrayOfString(lines.stream().map(OrderLine::color).toArray(String[]::new))
                .addArrayOfInteger(lines.stream().map(OrderLine::quantity).toArray(Integer[]::new))
                .addArrayOfString(lines.stream().map(l -> l.unitPrice().toPlainString()).toArray(String[]::new));
        return conn.preparedQuery(INSERT_ITEMS_SQL).execute(params).replaceWithVoid();
    }

    /** The customer an order belongs to. */
    public Uni<Long> ownerOf(SqlClient client, long orderId) {
        return client.preparedQuery("SELECT user_id FROM orders.orders WHERE id = $1").execute(Tuple.of(orderId))
                .map(rows -> rows.iterator().next().getLong("user_id"));
    }

    public Uni<Order> setStatus(SqlConnection conn, long orderId, OrderStatus status) {
        return conn.preparedQuery(SET_STATUS_SQL).execute(Tuple.of(orderId, status.name()))
                .map(rows -> orders(rows).get(0));
    }

    private static List<Order> orders(RowSet<Row> rows) {
        List<Order> orders = new ArrayList<>(rows.size());
        for (Row row : rows) {
            orders.add(new Order(row.getLong("id"), OrderStatus.valueOf(row.getString("status")),
                    row.getBigDecimal("total_amount"), row.getInteger("item_count"),
                    row.getOffsetDateTime("created_at"), row.getLong("version"), List.of()));
        }
        return orders;
    }
}
