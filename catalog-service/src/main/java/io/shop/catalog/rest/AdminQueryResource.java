package io.shop.catalog.rest;

import io.shop.catalog.model.QueryReports.IndexAdvice;
import io.shop.catalog.model.QueryReports.Plan;
import io.shop.catalog.model.QueryReports.Statement;
import io.shop.catalog.service.QueryAnalyzer;
import io.shop.common.rest.ParamReader;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** REST resource for the query analyzer (the seed's "query performance analyzer"); admin role only. */
@Path("/admin/queries")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
@SecurityRequirement(name = "jwt")
public class AdminQueryResource {

    private final QueryAnalyzer analyzer;

    public AdminQueryResource(QueryAnalyzer analyzer) {
        this.analyzer = analyzer;
    }

    @GET
    @Path("/top")
    @Operation(summary = "Top statements from pg_stat_statements, by total or mean execution time")
    public Uni<List<Statement>> topStatements(
            @Parameter(description = "total (default) or mean") @QueryParam("by") String by,
            @Parameter(description = "1 to 100, default 20") @QueryParam("limit") String limit) {
        ParamReader params = new ParamReader();
        String order = params.oneOf("by", by, Map.of("total", "total", "mean", "mean"), "total");
        int size = params.intInRange("limit", limit, 20, 1, 100);
        params.throwIfInvalid();
        return analyzer.topStatements(order, size);
    }

    @GET
    @Path("/plans")
    @Operation(summary = "EXPLAIN (ANALYZE, BUFFERS) of every named hot query, with a verdict")
    public Uni<List<Plan>> plans() {
        return analyzer.explainAll();
    }

    @GET
    @Path("/plans/{name}")
    @Operation(summary = "EXPLAIN (ANALYZE, BUFFERS) of one named query: featured, product, product-variants, "
            + "product-rating, product-reviews, search, seed-search")
    public Uni<Plan> plan(@PathParam("name") String name) {
        return analyzer.explain(name);
    }

    @GET
    @Path("/index-advice")
    @Operation(summary = "Unused indexes, large tables read by sequential scans, foreign keys without an index, "
            + "and the slow-query log threshold")
    public Uni<IndexAdvice> indexAdvice() {
        return analyzer.indexAdvice();
    }
}
