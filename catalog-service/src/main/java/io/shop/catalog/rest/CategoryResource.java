package io.shop.catalog.rest;

import io.shop.catalog.model.Category;
import io.shop.catalog.service.CategoryService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** REST resource for categories. */
@Path("/categories")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "categories")
public class CategoryResource {

    private final CategoryService service;

    public CategoryResource(CategoryService service) {
        this.service = service;
    }

    @GET
    @Operation(summary = "All categories, by name")
    public Uni<List<Category>> getCategories() {
        return service.findAllCategories();
    }
}
