package io.shop.order.service;

import io.shop.common.error.ProblemException;
import io.shop.common.events.OrderEventTypes;
import io.shop.database.outbox.OutboxWriter;
import io.shop.common.pagination.Cursor;
import io.shop.order.model.Order;
import io.shop.order.model.OrderLine;
import io.shop.order.model.OrderPage;
import io.shop.order.model.OrderStatus;
import io.shop.order.repository.InventoryRepository;
import io.shop.order.repository.OrderRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.List;

/** Service class for a customer's orders: history, detail and cancellation; and shipping, for admins. */
@ApplicationScoped
public class OrderService {

    /** History has one order (newest first); its cursors are tagged with it. */
    public static final String HISTORY_SORT = "newest";

    private final Pool pool;
    private final OrderRepository orders;
    private final InventoryRepository inventory;
    private final OrderEvents events;

    public OrderService(Pool pool, OrderRepository orders, InventoryRepository inventory, OrderEvents events) {
        this.pool = pool;
        this.orders = orders;
        this.inventory = inventory;
        this.events = events;
    }

    /**
     * One page of history in two queries whatever the page size: the orders, then all their lines.
     *
     * @param after the previous page's cursor, or null for the first page
     */
    public Uni<OrderPage> findHistoryPage(long userId, int pageSize, Cursor after) {
        OffsetDateTime afterCreatedAt = after == null ? null : after.key(OffsetDateTime::parse);
        Long afterId = after == null ? null : after.id();
        return orders.findHistoryPage(pool, userId, pageSize + 1, afterCreatedAt, afterId).chain(found -> {
            boolean hasMore = found.size() > pageSize;
            List<Order> page = hasMore ? found.subList(0, pageSize) : found;
            if (page.isEmpty()) {
                return Uni.createFrom().item(new OrderPage(List.of(), null));
            }
            Long[] ids = page.stream().map(Order::id).toArray(Long[]::new);
            return orders.findLines(pool, ids).map(lines -> {
                List<Order> withLines = page.stream().map(o -> o.withLines(lines.getOrDefault(o.id(), List.of()))).toList();
                Order last = page.get(page.size() - 1);
                String next = hasMore ? new Cursor(HISTORY_SORT, last.createdAt().toString(), last.id()).encode() : null;
                return new OrderPage(withLines, next);
            });
        });
    }

    /** The order if it is the user's; another customer's order is reported exactly like a missing one. */
    public Uni<Order> findOrder(long userId, long orderId) {
        return orders.findForUser(pool, orderId, userId, false)
                .map(found -> found.orElseThrow(() -> notFound(orderId)))
                .chain(this::withLines);
    }

    /** Cancels an order that has not shipped; its stock is returned in the same transaction. */
    public Uni<Order> cancelOrder(long userId, long orderId) {
        return pool.withTransaction(conn -> orders.findForUser(conn, orderId, userId, true).chain(found -> {
            Order order = found.orElseThrow(() -> notFound(orderId));
            if (!order.status().isCancellable()) {
                throw ProblemException.conflict("Order cannot be cancelled",
                        "Order " + orderId + " is " + order.status() + "; only PLACED or PAID orders can be cancelled");
            }
            return orders.findLines(conn, new Long[] {orderId}).chain(linesByOrder -> {
                // The lock query takes the rows in (product, variant) order, as checkout does; the arrays' order is free.
                List<OrderLine> lines = linesByOrder.getOrDefault(orderId, List.of());
                Long[] variantIds = lines.stream().map(OrderLine::variantId).toArray(Long[]::new);
                Integer[] quantities = lines.stream().map(OrderLine::quantity).toArray(Integer[]::new);
                return inventory.lockForReturn(conn, variantIds).chain(locked -> {
                    InventoryRepository.StockChange stock = InventoryRepository.afterChange(locked, variantIds, quantities);
                    return inventory.change(conn, variantIds, quantities)
                            .chain(() -> orders.setStatus(conn, orderId, OrderStatus.CANCELLED)).chain(updated -> {
                                Order cancelled = updated.withLines(lines);
                                return OutboxWriter.append(conn, OrderEvents.OUTBOX_TABLE,
                                                events.orderChanged(OrderEventTypes.ORDER_CANCELLED, userId, cancelled, stock))
                                        .replaceWith(cancelled);
                            });
                });
            });
        }));
    }

    /**
     * Admin: marks an order shipped (from then on it can no longer be cancelled) and writes its OrderShipped event in
     * the same transaction.
     */
    public Uni<Order> shipOrder(long orderId) {
        return pool.withTransaction(conn -> orders.findById(conn, orderId, true).chain(found -> {
            Order order = found.orElseThrow(() -> notFound(orderId));
            if (!order.status().isCancellable()) {
                throw ProblemException.conflict("Order cannot be shipped",
                        "Order " + orderId + " is " + order.status());
            }
            return Uni.combine().all().unis(orders.setStatus(conn, orderId, OrderStatus.SHIPPED),
                            orders.findLines(conn, new Long[] {orderId}), orders.ownerOf(conn, orderId))
                    .asTuple().chain(done -> {
                        Order shipped = done.getItem1().withLines(done.getItem2().getOrDefault(orderId, List.of()));
                        return OutboxWriter.append(conn, OrderEvents.OUTBOX_TABLE, List.of(
                                        events.orderEvent(OrderEventTypes.ORDER_SHIPPED, done.getItem3(), shipped)))
                                .replaceWith(shipped);
                    });
        }));
    }

    private Uni<Order> withLines(Order order) {
        return orders.findLines(pool, new Long[] {order.id()})
                .map(lines -> order.withLines(lines.getOrDefault(order.id(), List.of())));
    }

    private static ProblemException notFound(long orderId) {
        return ProblemException.notFound("No order with id " + orderId);
    }
}
