package io.shop.catalog.rest;

import io.shop.catalog.model.AdminProduct;
import io.shop.catalog.model.AdminVariant;
import io.shop.catalog.model.NewProduct;
import io.shop.catalog.model.NewVariant;
import io.shop.catalog.model.ProductUpdate;
import io.shop.catalog.model.Restock;
import io.shop.catalog.model.StockLevel;
import io.shop.catalog.model.VariantUpdate;
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
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * REST resource for staff writes to products, variants and stock; admin role only. Each write commits with its
 * ProductChanged event, which invalidates the caches of every instance.
 */
@Path("/admin/products")
@RolesAllowed("admin")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
@SecurityRequirement(name = "jwt")
public class AdminProductResource {

    private static final String BODY_REQUIRED = "a JSON body is required";

    private final ProductAdminService admin;

    public AdminProductResource(ProductAdminService admin) {
        this.admin = admin;
    }

    @POST
    @Operation(summary = "Create a product, with its variants and their opening stock",
            description = "400 for an unknown categoryId; 409 when a SKU is already in use.")
    public Uni<RestResponse<AdminProduct>> createProduct(@Valid @NotNull(message = BODY_REQUIRED) NewProduct product) {
        return admin.createProduct(product)
                .map(created -> RestResponse.ResponseBuilder.<AdminProduct>created(
                        URI.create("/admin/products/" + created.id())).entity(created).build());
    }

    @PATCH
    @Path("/{id}")
    @Operation(summary = "Change a product: name, description, category, price, featured or active",
            description = "\"active\": false deactivates the product: its page answers 404 and lists drop it.")
    public Uni<AdminProduct> updateProduct(@PathParam("id") String id,
                                           @Valid @NotNull(message = BODY_REQUIRED) ProductUpdate update) {
        ParamReader params = new ParamReader();
        long productId = params.id("id", id);
        params.throwIfInvalid();
        return admin.updateProduct(productId, update);
    }

    @POST
    @Path("/{id}/variants")
    @Operation(summary = "Add a variant (unique SKU, size, colour, opening stock) to a product",
            description = "409 when the SKU is already in use.")
    public Uni<RestResponse<AdminVariant>> addVariant(@PathParam("id") String id,
                                                      @Valid @NotNull(message = BODY_REQUIRED) NewVariant variant) {
        ParamReader params = new ParamReader();
        long productId = params.id("id", id);
        params.throwIfInvalid();
        return admin.addVariant(productId, variant).map(created -> RestResponse.ResponseBuilder.<AdminVariant>created(
                URI.create("/admin/products/" + productId + "/variants/" + created.id())).entity(created).build());
    }

    @PATCH
    @Path("/{id}/variants/{variantId}")
    @Operation(summary = "Change a variant's SKU, size or colour (stock: restock)")
    public Uni<AdminVariant> updateVariant(@PathParam("id") String id, @PathParam("variantId") String variantId,
                                           @Valid @NotNull(message = BODY_REQUIRED) VariantUpdate update) {
        ParamReader params = new ParamReader();
        long productId = params.id("id", id);
        long variant = params.id("variantId", variantId);
        params.throwIfInvalid();
        return admin.updateVariant(productId, variant, update);
    }

    @POST
    @Path("/{id}/variants/{variantId}/restock")
    @Operation(summary = "Add received units to a variant's stock")
    public Uni<StockLevel> restock(@PathParam("id") String id, @PathParam("variantId") String variantId,
                                   @Valid @NotNull(message = BODY_REQUIRED) Restock restock) {
        ParamReader params = new ParamReader();
        long productId = params.id("id", id);
        long variant = params.id("variantId", variantId);
        params.throwIfInvalid();
        return admin.restock(productId, variant, restock.quantity().intValue());
    }
}
