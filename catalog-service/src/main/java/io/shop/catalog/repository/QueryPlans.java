package io.shop.catalog.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** EXPLAIN in JSON, and the plan's nodes as a flat list; shared by the query analyzer and the plan tests. */
public final class QueryPlans {

    private QueryPlans() {
    }

    /** The root of the plan (with "Plan", and with "Execution Time" if {@code options} include ANALYZE). */
    public static Uni<JsonObject> explain(SqlConnection conn, String options, String sql, List<Object> params) {
        return conn.preparedQuery("EXPLAIN (" + options + ", FORMAT JSON) " + sql).execute(Tuple.from(params))
                .map(rows -> {
                    Object value = rows.iterator().next().getValue(0);
                    JsonArray plans = value instanceof JsonArray array ? array : new JsonArray(value.toString());
                    return plans.getJsonObject(0);
                });
    }

    /** Every node of the plan, depth first. */
    public static List<JsonObject> nodes(JsonObject root) {
        List<JsonObject> nodes = new ArrayList<>();
        collect(root.getJsonObject("Plan"), nodes);
        return nodes;
    }

    private static void collect(JsonObject node, List<JsonObject> nodes) {
        nodes.add(node);
        JsonArray children = node.getJsonArray("Plans");
        if (children != null) {
            for (int i = 0; i < children.size(); i++) {
                collect(children.getJsonObject(i), nodes);
            }
        }
    }
}
