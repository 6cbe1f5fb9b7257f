package io.shop.order.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shop.common.json.JsonText;
import io.shop.common.outbox.OutboxEvent;
import io.shop.order.model.Order;
import io.shop.order.model.OrderLine;
import io.shop.order.repository.InventoryRepository.StockLevel;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Builds the outbox events of order-service: one per order change, one per stock row it moved. */
@ApplicationScoped
public class OrderEvents {

    /** Written to orders.outbox in the same transaction as the change. */
    public static final String OUTBOX_TABLE = "orders.outbox";

    record OrderChanged(long orderId, long userId, String status, BigDecimal total, List<Item> items) {
    }

    record Item(long variantId, int quantity, BigDecimal unitPrice) {
    }

    record StockChanged(long variantId, long productId, int quantityAvailable, boolean inStock) {
    }

    private final ObjectMapper json;

    public OrderEvents(ObjectMapper json) {
        this.json = json;
    }

    /**
     * "OrderPlaced" or "OrderCancelled" for the order, then a "StockChanged" per stock row it moved (each
     * variant's product comes from the order's own lines).
     */
    public List<OutboxEvent> orderChanged(String type, long userId, Order order, List<StockLevel> stock) {
        Map<Long, Long> productOfVariant = order.lines().stream()
                .collect(Collectors.toMap(OrderLine::variantId, OrderLine::productId));
        List<Item> items = order.lines().stream()
                .map(line -> new Item(line.variantId(), line.quantity(), line.unitPrice())).toList();
        List<OutboxEvent> events = new ArrayList<>(1 + stock.size());
        events.add(OutboxEvent.of("order", order.id(), type, order.version(),
                JsonText.write(json, new OrderChanged(order.id(), userId, order.status().name(), order.total(), items))));
        for (StockLevel level : stock) {
            events.add(OutboxEvent.of("inventory", level.variantId(), "StockChanged", level.version(),
                    JsonText.write(json, new StockChanged(level.variantId(), productOfVariant.get(level.variantId()), level.quantityAvailable(),
                            level.quantityAvailable() > 0))));
        }
        return events;
    }
}
