package io.shop.order.model;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

/** An order with its lines, as the customer sees it. */
public record Order(
        long id,
        OrderStatus status,
        BigDecimal total,
        int itemCount,
        OffsetDateTime createdAt,
        long version,
        List<OrderLine> lines) {

    public Order withLines(List<OrderLine> orderLines) {
        return new Order(id, status, total, itemCount, createdAt, version, orderLines);
    }
}
