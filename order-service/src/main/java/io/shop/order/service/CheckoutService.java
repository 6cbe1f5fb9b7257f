package io.shop.order.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shop.common.error.Problem.InvalidParam;
import io.shop.common.error.ProblemException;
import io.shop.common.json.JsonText;
import io.shop.common.outbox.OutboxWriter;
import io.shop.order.model.CheckoutRequest;
import io.shop.order.model.Order;
import io.shop.order.model.OrderLine;
import io.shop.order.repository.IdempotencyRepository;
import io.shop.order.repository.IdempotencyRepository.StoredResponse;
import io.shop.order.repository.InventoryRepository;
import io.shop.order.repository.InventoryRepository.SellableStock;
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
    public record CheckoutResult(int status, String body, Long orderId, boolean replayed) {
    }

    private final Pool pool;
    private final IdempotencyRepository idempotency;
    private final InventoryRepository inventory;
    private final OrderRepository orders;
    private final OrderEvents events;
    private final ObjectMapper json;
    private final CheckoutOutcomes outcomes;

    public CheckoutService(Pool pool, IdempotencyRepository idempotency, InventoryRepository inventory,
                           OrderRepository orders, OrderEvents events, ObjectMapper json, CheckoutOutcomes outcomes) {
        this.outcomes = outcomes;
        this.pool = pool;
        this.idempotency = idempotency;
        this.inventory = inventory;
        this.orders = orders;
        this.events = events;
        this.json = json;
    }

    public Uni<CheckoutResult> checkout(long userId, String idempotencyKey, CheckoutRequest request) {
        List<CheckoutRequest.Line> lines = linesInLockOrder(request);
        String requestHash = requestHash(lines);
        return pool.withTransaction(conn -> idempotency.holdAndFind(conn, userId, idempotencyKey).chain(key -> {
                    if (!key.held()) {
                        throw inProgress();
                    }
                    if (key.stored().isPresent()) {
                        return Uni.createFrom().item(replay(key.stored().get(), requestHash));
                    }
                    return placeOrder(conn, userId, idempotencyKey, requestHash, lines);
                }))
                .onFailure().transform(CheckoutService::databaseProblem)
                .invoke(result -> outcomes.record(result.replayed() ? "replayed" : result.status() == 201 ? "placed" : "out_of_stock"))
                .onFailure().invoke(failure -> outcomes.record(failure instanceof ProblemException p
                        ? switch (p.status()) {
                            case 409 -> "in_progress";
                            case 422 -> "key_reused";
                            case 400 -> "invalid";
                            case 403 -> "no_account";
                            default -> "error";
                        }
                        : "error"));
    }

    private static CheckoutResult replay(StoredResponse stored, String requestHash) {
        if (!stored.requestHash().equals(requestHash)) {
            throw new ProblemException(422, "Idempotency-Key reused",
                    "This Idempotency-Key was used for a different request; use a new key for a new order", List.of());
        }
        return new CheckoutResult(stored.status(), stored.body(), stored.orderId(), true);
    }

    /**
     * Inside the transaction that holds the key: lock and price the variants, then either store an out-of-stock
     * answer (nothing else is written) or place the order, its items, its outbox events and its stored response.
     */
    private Uni<CheckoutResult> placeOrder(SqlConnection conn, long userId, String key, String requestHash,
                                           List<CheckoutRequest.Line> lines) {
        Long[] variantIds = lines.stream().map(CheckoutRequest.Line::variantId).toArray(Long[]::new);
        Integer[] quantities = lines.stream().map(CheckoutRequest.Line::units).toArray(Integer[]::new);
        return inventory.lockForCheckout(conn, variantIds).chain(stock -> {
            rejectUnknownVariants(lines, stock);
            List<InvalidParam> shortLines = shortLines(lines, stock);
            if (!shortLines.isEmpty()) {
                String body = JsonText.write(json, new ProblemException(409, "Out of stock", "Not enough stock for: "
                        + String.join(", ", shortLines.stream().map(InvalidParam::reason).toList()), shortLines).toProblem());
                return idempotency.store(conn, userId, key, requestHash, 409, body, null)
                        .replaceWith(new CheckoutResult(409, body, null, false));
            }
            List<OrderLine> orderLines = lines.stream().map(line -> {
                SellableStock v = stock.get(line.variantId());
                return new OrderLine(v.variantId(), v.productId(), v.productName(), v.sku(), v.size(), v.color(),
                        line.units(), v.unitPrice());
            }).toList();
            BigDecimal total = orderLines.stream().map(l -> l.unitPrice().multiply(BigDecimal.valueOf(l.quantity())))
                    .reduce(BigDecimal.ZERO, BigDecimal::add);
            int itemCount = orderLines.stream().mapToInt(OrderLine::quantity).sum();
            return inventory.decrement(conn, variantIds, quantities, OrderEvents.productIds(orderLines))
                    .chain(stockChange -> {
                        if (stockChange.levels().size() != variantIds.length) {
                            // Unreachable while the rows are locked; the UPDATE's guard is the last line of defence.
                            throw new IllegalStateException("stock changed under lock");
                        }
                        return orders.insertOrder(conn, userId, total, itemCount).chain(inserted -> {
                            Order order = inserted.withLines(orderLines);
                            String body = JsonText.write(json, order);
                            // Independent writes, sent together on the connection (pipelined).
                            return Uni.combine().all().unis(
                                            orders.insertItems(conn, order.id(), orderLines),
                                            OutboxWriter.append(conn, OrderEvents.OUTBOX_TABLE,
                                                    events.orderChanged("OrderPlaced", userId, order, stockChange)),
                                            idempotency.store(conn, userId, key, requestHash, 201, body, order.id()))
                                    .discardItems()
                                    .replaceWith(new CheckoutResult(201, body, order.id(), false));
                        });
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

    private static void rejectUnknownVariants(List<CheckoutRequest.Line> lines, Map<Long, SellableStock> stock) {
        List<InvalidParam> unknown = lines.stream().filter(l -> !stock.containsKey(l.variantId()))
                .map(l -> new InvalidParam("lines.variantId", "variant " + l.variantId() + " does not exist or is not for sale"))
                .toList();
        if (!unknown.isEmpty()) {
            throw ProblemException.badRequest(unknown);
        }
    }

    private static List<InvalidParam> shortLines(List<CheckoutRequest.Line> lines, Map<Long, SellableStock> stock) {
        return lines.stream()
                .filter(l -> stock.get(l.variantId()).quantityAvailable() < l.units())
                .map(l -> new InvalidParam("lines.quantity", "variant " + l.variantId() + ": " + l.units()
                        + " requested, " + stock.get(l.variantId()).quantityAvailable() + " available"))
                .toList();
    }

    private static ProblemException inProgress() {
        return ProblemException.conflict("Request in progress",
                "A request with this Idempotency-Key is still being processed; retry shortly");
    }

    /** A token for a user with no account, or (a hash collision of two keys aside, never) a key stored twice. */
    private static Throwable databaseProblem(Throwable failure) {
        if (failure instanceof PgException pg && pg.getMessage() != null) {
            if ("23503".equals(pg.getSqlState()) && pg.getMessage().contains("orders_user_id_fkey")) {
                return new ProblemException(403, "No customer account", "The token's subject has no customer account",
                        List.of());
            }
            if ("23505".equals(pg.getSqlState()) && pg.getMessage().contains("idempotency_keys_pkey")) {
                return inProgress();
            }
        }
        return failure;
    }
}
