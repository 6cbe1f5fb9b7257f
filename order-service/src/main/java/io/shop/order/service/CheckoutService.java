package io.shop.order.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shop.common.error.Problem.InvalidParam;
import io.shop.database.DatabaseErrors;
import io.shop.common.error.ProblemException;
import io.shop.common.events.OrderEventTypes;
import io.shop.common.json.JsonText;
import io.shop.database.outbox.OutboxWriter;
import io.shop.order.model.CheckoutOutcome;
import io.shop.order.model.CheckoutRequest;
import io.shop.order.model.Order;
import io.shop.order.model.OrderLine;
import io.shop.order.model.OrderStatus;
import io.shop.order.repository.IdempotencyRepository;
import io.shop.order.repository.IdempotencyRepository.StoredResponse;
import io.shop.order.repository.InventoryRepository;
import io.shop.order.repository.InventoryRepository.LockedStock;
import io.shop.order.repository.OrderRepository;
import io.shop.order.repository.OrderRepository.Reservation;
import io.smallrye.mutiny.Uni;
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

    /**
     * What the checkout decided, first time and on every replay: the outcome and its body (the order, or the
     * out-of-stock problem), byte for byte as first written; the resource maps the outcome to HTTP.
     */
    public record CheckoutResult(CheckoutOutcome outcome, String body, Long orderId, boolean replayed) {
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

    /**
     * One checkout in two round trips to PostgreSQL, each a pipeline of statements sent together: BEGIN, the key's
     * lock, its stored response, the variants' row locks (with their products') and a new order id; then the stock
     * change, the order, its items, the outbox events, the stored response and COMMIT. Every statement runs in the
     * one transaction; whatever fails, ROLLBACK is sent before the connection goes back to the pool. Everything the
     * second trip writes is known from what the first one locked, so the rows stay locked for one round trip and
     * the commit. (Seven round trips, one statement group at a time, held them about three times as long.)
     */
    public Uni<CheckoutResult> checkout(long userId, String idempotencyKey, CheckoutRequest request) {
        List<CheckoutRequest.Line> lines = linesInLockOrder(request);
        String requestHash = requestHash(lines);
        Long[] variantIds = lines.stream().map(CheckoutRequest.Line::variantId).toArray(Long[]::new);
        return pool.withConnection(conn -> Uni.combine().all().unis(
                                conn.query("BEGIN").execute(),
                                idempotency.holdAndFind(conn, userId, idempotencyKey),
                                inventory.lockForCheckout(conn, variantIds),
                                orders.reserve(conn))
                        .with((begun, key, stock, reservation) -> new Locked(key, stock, reservation))
                        .chain(locked -> {
                            if (!locked.key().held()) {
                                throw inProgress();
                            }
                            if (locked.key().stored().isPresent()) {
                                return commit(conn).replaceWith(replay(locked.key().stored().get(), requestHash));
                            }
                            return placeOrder(conn, userId, idempotencyKey, requestHash, lines, variantIds, locked);
                        })
                        .onFailure().call(failure -> rollback(conn)))
                .onFailure().transform(CheckoutService::databaseProblem)
                .invoke(result -> outcomes.record(result.replayed() ? "replayed" : result.outcome() == CheckoutOutcome.PLACED ? "placed" : "out_of_stock"))
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

    /** What the first round trip found: the key and the variants, their rows now locked, and the order's id. */
    private record Locked(IdempotencyRepository.Lookup key, Map<Long, LockedStock> stock, Reservation order) {
    }

    /**
     * COMMIT, sent in the same pipeline as the transaction's last statements. If one of them failed, PostgreSQL
     * turns this COMMIT into a ROLLBACK (with no error of its own) and the pipeline fails with that statement's error.
     */
    private static Uni<Void> commit(SqlConnection conn) {
        return conn.query("COMMIT").execute().replaceWithVoid();
    }

    /** Ends the transaction after a failure; a failure of the ROLLBACK itself (connection gone) is not the news. */
    private static Uni<Void> rollback(SqlConnection conn) {
        return conn.query("ROLLBACK").execute().replaceWithVoid().onFailure().recoverWithNull();
    }

    private static CheckoutResult replay(StoredResponse stored, String requestHash) {
        if (!stored.requestHash().equals(requestHash)) {
            throw new ProblemException(422, "Idempotency-Key reused",
                    "This Idempotency-Key was used for a different request; use a new key for a new order", List.of());
        }
        return new CheckoutResult(stored.outcome(), stored.body(), stored.orderId(), true);
    }

    /**
     * Inside the transaction that holds the key, with the variants priced and locked: either store an out-of-stock
     * answer (nothing else is written) or place the order, its items, the stock change, its outbox events and its
     * stored response, all in one pipeline with the COMMIT.
     */
    private Uni<CheckoutResult> placeOrder(SqlConnection conn, long userId, String key, String requestHash,
                                           List<CheckoutRequest.Line> lines, Long[] variantIds, Locked locked) {
        Map<Long, LockedStock> stock = locked.stock();
        rejectUnknownVariants(lines, stock);
        List<InvalidParam> shortLines = shortLines(lines, stock);
        if (!shortLines.isEmpty()) {
            String body = JsonText.write(json, new ProblemException(409, "Out of stock", "Not enough stock for: "
                    + String.join(", ", shortLines.stream().map(InvalidParam::reason).toList()), shortLines).toProblem());
            return Uni.combine().all().unis(
                            idempotency.store(conn, userId, key, requestHash, CheckoutOutcome.OUT_OF_STOCK, body, null), commit(conn))
                    .discardItems().replaceWith(new CheckoutResult(CheckoutOutcome.OUT_OF_STOCK, body, null, false));
        }
        List<OrderLine> orderLines = lines.stream().map(line -> {
            LockedStock v = stock.get(line.variantId());
            return new OrderLine(v.variantId(), v.productId(), v.productName(), v.sku(), v.size(), v.color(),
                    line.units(), v.unitPrice());
        }).toList();
        BigDecimal total = orderLines.stream().map(l -> l.unitPrice().multiply(BigDecimal.valueOf(l.quantity())))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        int itemCount = orderLines.stream().mapToInt(OrderLine::quantity).sum();
        Order order = new Order(locked.order().id(), OrderStatus.PLACED, total, itemCount, locked.order().createdAt(),
                1L, orderLines);
        Integer[] deltas = lines.stream().map(line -> -line.units()).toArray(Integer[]::new);
        InventoryRepository.StockChange stockChange = InventoryRepository.afterChange(stock, variantIds, deltas);
        String body = JsonText.write(json, order);
        return Uni.combine().all().unis(
                        inventory.change(conn, variantIds, deltas),
                        orders.insertOrder(conn, userId, order),
                        orders.insertItems(conn, order.id(), orderLines),
                        OutboxWriter.append(conn, OrderEvents.OUTBOX_TABLE,
                                events.orderChanged(OrderEventTypes.ORDER_PLACED, userId, order, stockChange)),
                        idempotency.store(conn, userId, key, requestHash, CheckoutOutcome.PLACED, body, order.id()),
                        commit(conn))
                .discardItems()
                .replaceWith(new CheckoutResult(CheckoutOutcome.PLACED, body, order.id(), false));
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

    private static void rejectUnknownVariants(List<CheckoutRequest.Line> lines, Map<Long, LockedStock> stock) {
        List<InvalidParam> unknown = lines.stream().filter(l -> !stock.containsKey(l.variantId()))
                .map(l -> new InvalidParam("lines.variantId", "variant " + l.variantId() + " does not exist or is not for sale"))
                .toList();
        if (!unknown.isEmpty()) {
            throw ProblemException.badRequest(unknown);
        }
    }

    private static List<InvalidParam> shortLines(List<CheckoutRequest.Line> lines, Map<Long, LockedStock> stock) {
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
        if (DatabaseErrors.violated(failure, "orders_user_id_fkey")) {
            return new ProblemException(403, "No customer account", "The token's subject has no customer account",
                    List.of());
        }
        if (DatabaseErrors.violated(failure, "idempotency_keys_pkey")) {
            return inProgress();
        }
        return failure;
    }
}
