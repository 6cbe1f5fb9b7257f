package io.shop.order.rest;

import io.shop.order.model.Order;
import io.shop.order.service.OrderService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** REST resource for staff operations on any customer's orders; admin role only. */
@Path("/admin/orders")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
@SecurityRequirement(name = "jwt")
public class AdminOrderResource {

    private final OrderService orders;

    public AdminOrderResource(OrderService orders) {
        this.orders = orders;
    }

    @POST
    @Path("/{id}/ship")
    @Operation(summary = "Mark an order shipped (it can no longer be cancelled)")
    public Uni<Order> shipOrder(@PathParam("id") String id) {
        return orders.shipOrder(OrderResource.orderId(id));
    }
}
