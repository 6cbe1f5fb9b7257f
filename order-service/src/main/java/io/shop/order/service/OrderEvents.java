package io.shop.order.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shop.common.events.ProductChanged;
import io.shop.common.events.Topics;
import io.shop.common.json.JsonText;
import io.shop.common.outbox.OutboxEvent;
import io.shop.order.model.Order;
import io.shop.order.model.OrderLine;
import io.shop.order.repository.InventoryRepository.ProductVersion;
import io.shop.order.repository.InventoryRepository.StockChange;
import io.shop.order.repository.InventoryRepository.StockLevel;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Builds the outbox events of order-service: one per order change, one per product whose stock it moved. */
@ApplicationScoped
public class OrderEvents {

    /** Written to orders.outbox in the same transaction as the change. */
    public static final String OUTBOX_TABLE = "orders.outbox";

    record OrderChanged(long orderId, long userId, String status, BigDecimal total, List<Item> items) {
    }

    record Item(long variantId, int quantity, BigDecimal unitPrice) {
    }

    private final ObjectMapper json;

    public OrderEvents(ObjectMapper json) {
        this.json = json;
    }

    /** The order's own event (one of {@link io.shop.common.events.OrderEventTypes}), at the order's version. */
    public OutboxEvent orderEvent(String type, long userId, Order order) {
        List<Item> items = order.lines().stream()
                .map(line -> new Item(line.variantId(), line.quantity(), line.unitPrice())).toList();
        return OutboxEvent.of(Topics.AGGREGATE_ORDER, order.id(), type, order.version(),
                JsonText.write(json, new OrderChanged(order.id(), userId, order.status().name(), order.total(), items)));
    }

    /**
     * "OrderPlaced" or "OrderCancelled" for the order, then a "ProductChanged" (change "stock") per product whose
     * stock moved, with the product's new version. Lists (search, featured) are only affected when a variant's
     * stock crossed zero: the product's "in stock" may have flipped.
     */
    public List<OutboxEvent> orderChanged(String type, long userId, Order order, StockChange stock) {
        List<OutboxEvent> events = new ArrayList<>(1 + stock.products().size());
        events.add(orderEvent(type, userId, order));
        Map<Long, Long> productOfVariant = order.lines().stream()
                .collect(Collectors.toMap(OrderLine::variantId, OrderLine::productId));
        Set<Long> crossedZero = stock.levels().stream().filter(StockLevel::crossedZero)
                .map(level -> productOfVariant.get(level.variantId())).collect(Collectors.toSet());
        for (ProductVersion product : stock.products()) {
            events.add(new ProductChanged(product.productId(), "stock", crossedZero.contains(product.productId()),
                    product.featured()).toOutbox(json, product.version()));
        }
        return events;
    }
}
