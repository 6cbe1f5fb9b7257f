package io.shop.order.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shop.common.error.Problem.InvalidParam;
import io.shop.common.error.ProblemException;
import io.shop.common.outbox.OutboxWriter;
import io.shop.order.config.OrderConfig;
import io.shop.order.model.CheckoutRequest;
import io.shop.order.model.Order;
import io.shop.order.model.OrderLine;
import io.shop.order.repository.CatalogRepository;
import io.shop.order.repository.CatalogRepository.SellableVariant;
import io.shop.order.repository.IdempotencyRepository;
import io.shop.order.repository.IdempotencyRepository.Claim;
import io.shop.order.repository.InventoryRepository;
import io.shop.order.repository.OrderRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Service class for checkout: one local transaction places the order, its lines, the stock decrements, the
 * outbox events and the idempotency record, or nothing at all.
 */
@ApplicationScoped
public class CheckoutService {

    /** What the client receives, first time and on every replay: status and body, byte for byte. */
    public record CheckoutResult(int status, String body, Long orderId) {
    }

    /** Not enough stock: a 409 that is stored with the key and replayed, like a placed order. */
    static final class OutOfStockException extends ProblemException {
        OutOfStockException(List<InvalidParam> shortLines) {
            super(409, "Out of stock", "Not enough stock for: " + String.join(", ",
                    shortLines.stream().map(InvalidParam::reason).toList()), shortLines);
        }
    }

    private final Pool pool;
    private final IdempotencyRepository idempotency;
    private final CatalogRepository catalog;
    private final InventoryRepository inventory;
    private final OrderRepository orders;
    private final OrderEvents events;
    private final ObjectMapper json;
    private final OrderConfig config;

    public CheckoutService(Pool pool, IdempotencyRepository idempotency, CatalogRepository catalog,
                           InventoryRepository inventory, OrderRepository orders, OrderEvents events,
                           ObjectMapper json, OrderConfig config) {
        this.pool = pool;
        this.idempotency = idempotency;
        this.catalog = catalog;
        this.inventory = inventory;
        this.orders = orders;
        this.events = events;
        this.json = json;
        this.config = config;
    }

    public Uni<CheckoutResult> checkout(long userId, String idempotencyKey, CheckoutRequest request) {
        List<CheckoutRequest.Line> lines = linesInLockOrder(request);
        String requestHash = requestHash(lines);
        return idempotency.claim(userId, idempotencyKey, requestHash, config.idempotency().claimLease())
                .chain(claim -> claim.claimed()
                        ? placeOrder(userId, idempotencyKey, lines)
                        : Uni.createFrom().item(() -> replay(claim, requestHash)));
    }

    private static CheckoutResult replay(Claim claim, String requestHash) {
        if (!claim.requestHash().equals(requestHash)) {
            throw new ProblemException(422, "Idempotency-Key reused",
                    "This Idempotency-Key was used for a different request; use a new key for a new order", List.of());
        }
        if (!"COMPLETED".equals(claim.state())) {
            throw ProblemException.conflict("Request in progress",
                    "A request with this Idempotency-Key is still being processed; retry shortly");
        }
        return new CheckoutResult(claim.responseStatus(), claim.responseBody(), claim.orderId());
    }

    private Uni<CheckoutResult> placeOrder(long userId, String key, List<CheckoutRequest.Line> lines) {
        Long[] variantIds = lines.stream().map(CheckoutRequest.Line::variantId).toArray(Long[]::new);
        Integer[] quantities = lines.stream().map(CheckoutRequest.Line::units).toArray(Integer[]::new);
        return pool.withTransaction(conn -> catalog.findSellable(conn, variantIds)
                        .chain(variants -> {
                            rejectUnknownVariants(lines, variants);
                            return inventory.lockStock(conn, variantIds)
                                    .invoke(available -> rejectShortStock(lines, available))
                                    .chain(() -> insertOrder(conn, userId, key, lines, variants, variantIds, quantities));
                        }))
                .onFailure(OutOfStockException.class).recoverWithUni(e -> {
                    String body = write(((ProblemException) e).toProblem());
                    return idempotency.complete(pool, userId, key, 409, body, null)
                            .replaceWith(new CheckoutResult(409, body, null));
                })
                .onFailure().transform(CheckoutService::unknownCustomer)
                .onFailure().call(e -> idempotency.release(userId, key));
    }

    private Uni<CheckoutResult> insertOrder(SqlConnection conn, long userId, String key, List<CheckoutRequest.Line> lines,
                                            Map<Long, SellableVariant> variants, Long[] variantIds, Integer[] quantities) {
        List<OrderLine> orderLines = new ArrayList<>(lines.size());
        BigDecimal total = BigDecimal.ZERO;
        int itemCount = 0;
        for (CheckoutRequest.Line line : lines) {
            SellableVariant v = variants.get(line.variantId());
            orderLines.add(new OrderLine(v.variantId(), v.productId(), v.productName(), v.sku(), v.size(), v.color(),
                    line.units(), v.unitPrice()));
            total = total.add(v.unitPrice().multiply(BigDecimal.valueOf(line.units())));
            itemCount += line.units();
        }
        String[] unitPrices = orderLines.stream().map(l -> l.unitPrice().toPlainString()).toArray(String[]::new);
        BigDecimal orderTotal = total;
        int orderItems = itemCount;
        return inventory.decrement(conn, variantIds, quantities).chain(stock -> {
            if (stock.size() != variantIds.length) {
                // Unreachable while rows are locked; the guard in the UPDATE is the last line of defence.
                throw new IllegalStateException("stock changed under lock");
            }
            return orders.insertOrder(conn, userId, orderTotal, orderItems).chain(inserted -> {
                Order order = inserted.withLines(orderLines);
                String body = write(order);
                return orders.insertItems(conn, order.id(), variantIds, quantities, unitPrices)
                        .chain(() -> OutboxWriter.append(conn, OrderEvents.OUTBOX_TABLE,
                                events.orderChanged("OrderPlaced", userId, order, stock)))
                        .chain(() -> idempotency.complete(conn, userId, key, 201, body, order.id()))
                        .replaceWith(new CheckoutResult(201, body, order.id()));
            });
        });
    }

    /** Validated lines sorted by variant id: the order in which stock rows are locked. */
    static List<CheckoutRequest.Line> linesInLockOrder(CheckoutRequest request) {
        Map<Long, Integer> firstIndex = new HashMap<>();
        List<InvalidParam> duplicates = new ArrayList<>();
        for (int i = 0; i < request.lines().size(); i++) {
            Integer previous = firstIndex.putIfAbsent(request.lines().get(i).variantId(), i);
            if (previous != null) {
                duplicates.add(new InvalidParam("lines[" + i + "].variantId",
                        "duplicate of lines[" + previous + "]: put the whole quantity on one line"));
            }
        }
        if (!duplicates.isEmpty()) {
            throw ProblemException.badRequest(duplicates);
        }
        return request.lines().stream().sorted(Comparator.comparingLong(CheckoutRequest.Line::variantId)).toList();
    }

    /** Same lines in any order are the same request. */
    static String requestHash(List<CheckoutRequest.Line> linesInLockOrder) {
        StringBuilder canonical = new StringBuilder();
        linesInLockOrder.forEach(l -> canonical.append(l.variantId()).append(':').append(l.units()).append(';'));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void rejectUnknownVariants(List<CheckoutRequest.Line> lines, Map<Long, SellableVariant> variants) {
        List<InvalidParam> unknown = lines.stream().filter(l -> !variants.containsKey(l.variantId()))
                .map(l -> new InvalidParam("lines.variantId", "variant " + l.variantId() + " does not exist or is not for sale"))
                .toList();
        if (!unknown.isEmpty()) {
            throw ProblemException.badRequest(unknown);
        }
    }

    private static void rejectShortStock(List<CheckoutRequest.Line> lines, Map<Long, Integer> available) {
        List<InvalidParam> shortLines = lines.stream()
                .filter(l -> available.getOrDefault(l.variantId(), 0) < l.units())
                .map(l -> new InvalidParam("lines.quantity", "variant " + l.variantId() + ": " + l.quantity()
                        + " requested, " + available.getOrDefault(l.variantId(), 0) + " available"))
                .toList();
        if (!shortLines.isEmpty()) {
            throw new OutOfStockException(shortLines);
        }
    }

    private static Throwable unknownCustomer(Throwable failure) {
        if (failure instanceof PgException pg && "23503".equals(pg.getSqlState())
                && pg.getMessage() != null && pg.getMessage().contains("orders_user_id_fkey")) {
            return new ProblemException(403, "No customer account", "The token's subject has no customer account", List.of());
        }
        return failure;
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response is not serializable", e);
        }
    }
}
