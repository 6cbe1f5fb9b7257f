package io.shop.catalog.rest;

import io.shop.catalog.model.AdminProduct;
import io.shop.catalog.model.ProductUpdate;
import io.shop.catalog.model.Restock;
import io.shop.catalog.model.StockLevel;
import io.shop.catalog.service.ProductAdminService;
import io.shop.common.rest.ParamReader;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** REST resource for staff writes to the catalog; admin role only. Each write invalidates the caches through events. */
@Path("/admin/products")
@RolesAllowed("admin")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
@SecurityRequirement(name = "jwt")
public class AdminProductResource {

    private final ProductAdminService admin;

    public AdminProductResource(ProductAdminService admin) {
        this.admin = admin;
    }

    @PATCH
    @Path("/{id}")
    @Operation(summary = "Change a product's price, featured flag or active flag")
    public Uni<AdminProduct> updateProduct(@PathParam("id") String id,
                                           @Valid @NotNull(message = "a JSON body is required") ProductUpdate update) {
        ParamReader params = new ParamReader();
        long productId = params.id("id", id);
        params.throwIfInvalid();
        return admin.updateProduct(productId, update);
    }

    @POST
    @Path("/{id}/variants/{variantId}/restock")
    @Operation(summary = "Add received units to a variant's stock")
    public Uni<StockLevel> restock(@PathParam("id") String id, @PathParam("variantId") String variantId,
                                   @Valid @NotNull(message = "a JSON body is required") Restock restock) {
        ParamReader params = new ParamReader();
        long productId = params.id("id", id);
        long variant = params.id("variantId", variantId);
        params.throwIfInvalid();
        return admin.restock(productId, variant, restock.quantity().intValue());
    }
}
