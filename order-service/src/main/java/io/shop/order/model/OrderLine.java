package io.shop.order.model;

import java.math.BigDecimal;

/** One line of an order, with what the customer recognises: product name, size and colour. */
public record OrderLine(
        long variantId,
        long productId,
        String productName,
        String sku,
        String size,
        String color,
        int quantity,
        BigDecimal unitPrice) {
}
