package io.shop.common.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A service's served OpenAPI document against the service itself, on security: what a generated client needs to
 * send a token. The document must define one scheme, {@code jwt} (HTTP bearer, JWT), and an operation must require
 * it exactly when the service answers 401 to it without a token (each operation is called once, without one).
 */
public final class OpenApiSecurity {

    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** One client for the document and every operation's call (each new client starts its own selector thread). */
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private OpenApiSecurity() {
    }

    /** The served document ({@code /q/openapi?format=json}) of the service at {@code base}. */
    public static JsonNode document(URI base) throws Exception {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(base.resolve("/q/openapi?format=json")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET /q/openapi: " + r.statusCode());
        }
        return JSON.readTree(r.body());
    }

    /** Every way the document's security departs from the service's: empty when they agree. */
    public static List<String> mismatches(URI base) throws Exception {
        JsonNode doc = document(base);
        List<String> found = new ArrayList<>();
        JsonNode schemes = doc.path("components").path("securitySchemes");
        List<String> names = new ArrayList<>();
        schemes.fieldNames().forEachRemaining(names::add);
        if (!names.equals(List.of("jwt"))) {
            found.add("security schemes " + names + ", expected exactly [jwt]");
        }
        JsonNode jwt = schemes.path("jwt");
        if (!"http".equals(jwt.path("type").asText()) || !"bearer".equalsIgnoreCase(jwt.path("scheme").asText())
                || !"JWT".equals(jwt.path("bearerFormat").asText())) {
            found.add("scheme jwt is " + jwt + ", expected type http, scheme bearer, bearerFormat JWT");
        }
        JsonNode global = doc.path("security");
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (!METHODS.contains(op.getKey())) {
                    continue;
                }
                String name = op.getKey().toUpperCase() + " " + path.getKey();
                JsonNode security = op.getValue().has("security") ? op.getValue().path("security") : global;
                boolean documented = false;
                for (JsonNode requirement : security) {
                    requirement.fieldNames().forEachRemaining(s -> {
                        if (!s.equals("jwt")) {
                            found.add(name + " requires the undefined scheme " + s);
                        }
                    });
                    documented |= requirement.has("jwt");
                }
                int status = callWithoutToken(base, op.getKey(), path.getKey());
                if (documented != (status == 401)) {
                    found.add(name + (documented ? " documents a token but answers " + status + " without one"
                            : " documents no token but answers 401 without one"));
                }
            }
        }
        return found;
    }

    private static int callWithoutToken(URI base, String method, String path) throws Exception {
        URI uri = base.resolve(path.replaceAll("\\{[^}]+}", "1"));
        HttpRequest.BodyPublisher body = method.equals("get") || method.equals("delete")
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}");
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").method(method.toUpperCase(), body).build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
