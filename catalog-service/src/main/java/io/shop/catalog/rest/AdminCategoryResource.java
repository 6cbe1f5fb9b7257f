package io.shop.catalog.rest;

import io.shop.catalog.model.Category;
import io.shop.catalog.model.CategoryUpdate;
import io.shop.catalog.model.NewCategory;
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

/** REST resource for staff writes to categories; admin role only. */
@Path("/admin/categories")
@RolesAllowed("admin")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
@SecurityRequirement(name = "jwt")
public class AdminCategoryResource {

    private static final String BODY_REQUIRED = "a JSON body is required";

    private final ProductAdminService admin;

    public AdminCategoryResource(ProductAdminService admin) {
        this.admin = admin;
    }

    @POST
    @Operation(summary = "Create a category (unique slug), optionally under a parent",
            description = "400 for an unknown parentId; 409 when the slug is already in use.")
    public Uni<RestResponse<Category>> createCategory(@Valid @NotNull(message = BODY_REQUIRED) NewCategory category) {
        return admin.createCategory(category)
                .map(created -> RestResponse.ResponseBuilder.<Category>created(
                        URI.create("/admin/categories/" + created.id())).entity(created).build());
    }

    @PATCH
    @Path("/{id}")
    @Operation(summary = "Rename a category or change its slug",
            description = "A new name shows on every page and list of the category's products: each gets a new "
                    + "version and its cached copies are evicted.")
    public Uni<Category> updateCategory(@PathParam("id") String id,
                                        @Valid @NotNull(message = BODY_REQUIRED) CategoryUpdate update) {
        ParamReader params = new ParamReader();
        long categoryId = params.id("id", id);
        params.throwIfInvalid();
        return admin.updateCategory(categoryId, update);
    }
}
