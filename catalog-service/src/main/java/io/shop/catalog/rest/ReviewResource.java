package io.shop.catalog.rest;

import io.quarkus.security.Authenticated;
import io.quarkus.security.UnauthorizedException;
import io.shop.catalog.config.CatalogConfig;
import io.shop.catalog.model.NewReview;
import io.shop.catalog.model.ReviewPage;
import io.shop.catalog.service.ReviewService;
import io.shop.common.pagination.Cursor;
import io.shop.common.rest.ParamReader;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** REST resource for a product's customer reviews: read by anyone, written by signed-in customers. */
@Path("/products/{id}/reviews")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "reviews")
public class ReviewResource {

    private final ReviewService reviews;
    private final CatalogConfig config;
    private final JsonWebToken token;

    public ReviewResource(ReviewService reviews, CatalogConfig config, JsonWebToken token) {
        this.reviews = reviews;
        this.config = config;
        this.token = token;
    }

    @GET
    @Operation(summary = "A product's reviews, newest first; keyset-paginated: pass nextCursor back as cursor")
    public Uni<ReviewPage> list(@Parameter(description = "Product id") @PathParam("id") String id,
                                @Parameter(description = "Page size, 1 to catalog.reviews.max-page-size") @QueryParam("limit") String limit,
                                @Parameter(description = "nextCursor of the previous page") @QueryParam("cursor") String cursor) {
        ParamReader params = new ParamReader();
        long productId = params.id("id", id);
        int pageSize = params.intInRange("limit", limit, config.reviews().defaultPageSize(), 1, config.reviews().maxPageSize());
        params.throwIfInvalid();
        return reviews.page(productId, pageSize, Cursor.decode(cursor, ReviewService.PAGE_SORT));
    }

    @POST
    @Authenticated
    @Consumes(MediaType.APPLICATION_JSON)
    @SecurityRequirement(name = "jwt")
    @Operation(summary = "Review a product (one review per customer and product)",
            description = "Rating 1 to 5, text (body) up to 2,000 characters. 409 on a second review of the same "
                    + "product; verified is true when the customer had bought the product.")
    public Uni<Response> post(@Parameter(description = "Product id") @PathParam("id") String id,
                              @Valid @NotNull(message = "a JSON body with a rating is required") NewReview review) {
        ParamReader params = new ParamReader();
        long productId = params.id("id", id);
        params.throwIfInvalid();
        return reviews.post(productId, customerId(), review).map(written -> Response
                .created(URI.create("/products/" + productId + "/reviews")).entity(written).build());
    }

    private long customerId() {
        try {
            return Long.parseLong(token.getSubject());
        } catch (NumberFormatException | NullPointerException e) {
            throw new UnauthorizedException("the token's subject is not a customer id");
        }
    }
}
