package io.shop.order.model;

import java.util.List;

/** One page of a customer's order history, newest first; nextCursor is null on the last page. */
public record OrderPage(List<Order> items, String nextCursor) {
}
