package io.shop.order.rest;

import io.quarkus.security.Authenticated;
import io.shop.common.error.Problem;
import io.shop.common.pagination.Cursor;
import io.shop.common.rest.ParamReader;
import io.shop.order.model.CheckoutOutcome;
import io.shop.order.config.OrderConfig;
import io.shop.order.model.CheckoutRequest;
import io.shop.order.model.Order;
import io.shop.order.model.OrderPage;
import io.shop.order.security.CurrentCustomer;
import io.shop.order.service.CheckoutService;
import io.shop.order.service.OrderService;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** REST resource for the current customer's orders: checkout, history, detail, cancel. */
@Path("/orders")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "orders")
@SecurityRequirement(name = "jwt")
public class OrderResource {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final CheckoutService checkout;
    private final OrderService orders;
    private final CurrentCustomer customer;
    private final OrderConfig config;

    public OrderResource(CheckoutService checkout, OrderService orders, CurrentCustomer customer, OrderConfig config) {
        this.checkout = checkout;
        this.orders = orders;
        this.customer = customer;
        this.config = config;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Place an order (idempotent)",
            description = "Prices come from the catalog. The same Idempotency-Key with the same lines replays the "
                    + "first response; with other lines: 422; while the first is still running: 409. "
                    + "Not enough stock: 409 naming the variants, and nothing is written.")
    public Uni<Response> placeOrder(
            @Parameter(description = "Unique per intended order, at most orders.idempotency.max-key-length characters")
            @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey,
            @Valid @NotNull(message = "a JSON body with lines is required") CheckoutRequest request) {
        ParamReader params = new ParamReader();
        String key = params.optionalText(IDEMPOTENCY_KEY, idempotencyKey, config.idempotency().maxKeyLength());
        if (key == null && !params.isRejected(IDEMPOTENCY_KEY)) {
            params.reject(IDEMPOTENCY_KEY, "is required: send a unique key per order so a retry never orders twice");
        } else if (key != null && !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            params.reject(IDEMPOTENCY_KEY, "must be printable ASCII without spaces");
        }
        params.throwIfInvalid();
        return checkout.checkout(customer.id(), key, request).map(result -> {
            if (result.outcome() == CheckoutOutcome.PLACED) {
                return Response.status(201).entity(result.body()).type(MediaType.APPLICATION_JSON)
                        .location(URI.create("/orders/" + result.orderId())).build();
            }
            return Response.status(409).entity(result.body()).type(Problem.MEDIA_TYPE).build();
        });
    }

    @GET
    @Operation(summary = "The current customer's orders, newest first, with their lines; keyset-paginated")
    public Uni<OrderPage> getOrderHistory(
            @Parameter(description = "Page size, 1 to orders.history.max-page-size") @QueryParam("limit") String limit,
            @Parameter(description = "nextCursor of the previous page") @QueryParam("cursor") String cursor) {
        ParamReader params = new ParamReader();
        int pageSize = params.intInRange("limit", limit, config.history().defaultPageSize(), 1, config.history().maxPageSize());
        params.throwIfInvalid();
        return orders.findHistoryPage(customer.id(), pageSize, Cursor.decode(cursor, OrderService.HISTORY_SORT));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One of the current customer's orders; 404 for any other customer's order")
    public Uni<Order> getOrder(@PathParam("id") String id) {
        return orders.findOrder(customer.id(), orderId(id));
    }

    @POST
    @Path("/{id}/cancel")
    @Operation(summary = "Cancel an order that has not shipped; its stock is returned")
    public Uni<Order> cancelOrder(@PathParam("id") String id) {
        return orders.cancelOrder(customer.id(), orderId(id));
    }

    static long orderId(String raw) {
        ParamReader params = new ParamReader();
        long id = params.id("id", raw);
        params.throwIfInvalid();
        return id;
    }
}
