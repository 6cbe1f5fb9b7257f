package io.shop.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shop.common.events.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * deploy/k8s as kubectl builds it (kustomize, as `kubectl apply -k` would): the properties a platform team relies
 * on, checked on the rendered objects rather than on the files, and the generated parts checked for drift.
 */
class K8sManifestsTest {

    static final Path K8S = MonitoringLiveTest.REPO.resolve("deploy/k8s");
    static final List<String> SERVICES = List.of("catalog-service", "order-service", "cache-invalidator");

    @Test
    void generatedPartsMatchTheirSourcesInTheRepository() throws Exception {
        assertThat(Tools.run(K8S, "bash", "generate.sh", "--check"))
                .as("deploy/k8s/generate.sh --check (run deploy/k8s/generate.sh after changing monitoring/ or load-tests/k6)")
                .isZero();
    }

    @Test
    void everyServiceRunsHardenedWithProbesOnItsHealthEndpointsAndGracefulShutdown() throws Exception {
        for (String overlay : List.of("dev", "prod")) {
            List<JsonNode> objects = render(overlay);
            for (String service : SERVICES) {
                JsonNode deployment = one(objects, "Deployment", service);
                JsonNode pod = deployment.at("/spec/template/spec");
                JsonNode container = pod.at("/containers/0");
                String where = overlay + "/" + service;
                assertThat(container.at("/startupProbe/httpGet/path").asText()).as(where).isEqualTo("/q/health/started");
                assertThat(container.at("/readinessProbe/httpGet/path").asText()).as(where).isEqualTo("/q/health/ready");
                assertThat(container.at("/livenessProbe/httpGet/path").asText()).as(where).isEqualTo("/q/health/live");
                assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).as(where).isTrue();
                assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).as(where).isTrue();
                assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)).as(where).isFalse();
                assertThat(container.at("/securityContext/capabilities/drop").toString()).as(where).contains("ALL");
                assertThat(container.at("/resources/limits/memory").asText()).as(where).isNotEmpty();
                assertThat(container.at("/resources/requests/memory").asText()).as(where).isNotEmpty();
                assertThat(env(objects, container)).as(where).containsEntry("QUARKUS_SHUTDOWN_TIMEOUT", "20S");
                assertThat(pod.at("/terminationGracePeriodSeconds").asInt()).as("grace above preStop + shutdown timeout: %s", where)
                        .isGreaterThan(25);
                assertThat(pod.at("/topologySpreadConstraints").isEmpty()).as(where).isFalse();
                assertThat(objects).as("a PodDisruptionBudget for %s", where)
                        .anyMatch(o -> kind(o, "PodDisruptionBudget") && service.equals(o.at("/spec/selector/matchLabels/app.kubernetes.io~1name").asText()));
            }
            assertThat(one(objects, "HorizontalPodAutoscaler", "catalog-service").at("/spec/scaleTargetRef/name").asText())
                    .isEqualTo("catalog-service");
            assertThat(one(objects, "Ingress", "shop").toString()).contains("catalog-service").contains("order-service")
                    .doesNotContain("cache-invalidator");
            assertThat(objects.stream().filter(o -> kind(o, "NetworkPolicy")).count()).as(overlay).isGreaterThanOrEqualTo(5);
        }
    }

    @Test
    void everySettingGivenToAServiceIsOneItReadsAndEveryServiceSelectsPods() throws Exception {
        for (String overlay : List.of("dev", "prod")) {
            List<JsonNode> objects = render(overlay);
            for (String service : SERVICES) {
                // Its own env entries it must read; shop-config is shared, so each of its keys some service reads.
                JsonNode container = one(objects, "Deployment", service).at("/spec/template/spec/containers/0");
                List<String> own = new ArrayList<>();
                container.path("env").forEach(e -> own.add(e.path("name").asText()));
                assertThat(own).as("settings of %s/%s that it does not read", overlay, service)
                        .allMatch(variable -> ServiceSettings.isRead(service, variable));
                assertThat(env(objects, container).keySet()).as("shared settings in %s that no service reads", overlay)
                        .allMatch(variable -> SERVICES.stream().anyMatch(s -> ServiceSettings.isRead(s, variable)));
            }
            for (JsonNode service : objects.stream().filter(o -> kind(o, "Service")).toList()) {
                JsonNode selector = service.at("/spec/selector");
                assertThat(objects).as("pods for Service %s in %s", service.at("/metadata/name").asText(), overlay)
                        .anyMatch(o -> o.at("/spec/template/metadata/labels").isObject() && matches(selector,
                                o.at("/spec/template/metadata/labels")));
            }
        }
    }

    private static boolean matches(JsonNode selector, JsonNode labels) {
        List<String> missing = new ArrayList<>();
        selector.fields().forEachRemaining(e -> {
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText())) {
                missing.add(e.getKey());
            }
        });
        return missing.isEmpty();
    }

    @Test
    void productionCarriesNoDevelopmentKeyOrTokensAndTakesItsSecretsByReference() throws Exception {
        List<JsonNode> prod = render("prod");
        String all = prod.toString();
        assertThat(all).doesNotContain("dev-keys").doesNotContain("privateKey");
        assertThat(prod.stream().filter(o -> kind(o, "Secret")).toList()).as("no Secret values in the manifests").isEmpty();
        for (String service : List.of("catalog-service", "order-service")) {
            JsonNode container = one(prod, "Deployment", service).at("/spec/template/spec/containers/0");
            Map<String, String> env = env(prod, container);
            assertThat(env).containsEntry("SHOP_AUTH_DEV_TOKENS_ENABLED", "false")
                    .containsEntry("SHOP_AUTH_PUBLIC_KEY_LOCATION", "/etc/shop/jwt/publicKey.pem");
            assertThat(one(prod, "Deployment", service).toString()).contains("\"secretName\":\"shop-jwt\"")
                    .contains("\"name\":\"shop-db\"");
        }
        List<JsonNode> dev = render("dev");
        assertThat(env(dev, one(dev, "Deployment", "order-service").at("/spec/template/spec/containers/0")))
                .containsEntry("SHOP_AUTH_DEV_TOKENS_ENABLED", "true");
    }

    @Test
    void productionRunsOnTheOperatorsWithEveryTopicTheCodeUsesDeclared() throws Exception {
        List<JsonNode> prod = render("prod");
        JsonNode postgres = one(prod, "Cluster", "shop-db");
        assertThat(postgres.at("/spec/instances").asInt()).isEqualTo(3);
        assertThat(one(prod, "Kafka", "shop-kafka").at("/spec/kafka/version").asText()).isEqualTo("4.3.1");
        Set<String> topics = prod.stream().filter(o -> kind(o, "KafkaTopic")).map(o -> o.at("/metadata/name").asText())
                .collect(Collectors.toSet());
        assertThat(topics).containsExactlyInAnyOrder(Topics.PRODUCT_CHANGED, Topics.ORDER_EVENTS, Topics.CACHE_EVICTIONS,
                Topics.PRODUCT_CHANGED_DLQ, Topics.UNROUTED);
        assertThat(one(prod, "KafkaTopic", Topics.CACHE_EVICTIONS).at("/spec/partitions").asInt())
                .as("evictions and the progress covering them stay in order").isEqualTo(1);
        assertThat(prod).anyMatch(o -> kind(o, "RedisReplication")).anyMatch(o -> kind(o, "ServiceMonitor"));
        assertThat(prod.stream().filter(o -> kind(o, "PrometheusRule")).map(o -> o.at("/metadata/name").asText()))
                .containsExactlyInAnyOrder("shop-recording", "shop-alerts");
        assertThat(one(prod, "ConfigMap", "shop-grafana-dashboards").at("/metadata/labels/grafana_dashboard").asText())
                .isEqualTo("1");
    }

    @Test
    void developmentBringsItsServersSampleDataAndTheK6Scripts() throws Exception {
        List<JsonNode> dev = render("dev");
        assertThat(dev.stream().filter(o -> kind(o, "StatefulSet")).map(o -> o.at("/metadata/name").asText()))
                .containsExactlyInAnyOrder("postgres", "kafka");
        one(dev, "Deployment", "redis");
        assertThat(one(dev, "Job", "datagen").toString()).contains("datagen.ensure");
        JsonNode k6 = one(dev, "Job", "k6");
        assertThat(k6.toString()).contains("k6-scripts");
        assertThat(names(one(dev, "ConfigMap", "k6-scripts").path("data")))
                .containsExactlyInAnyOrder("scenarios.json", "scenarios.js", "catalog.js", "checkout.js", "order-history.js");
        for (String service : SERVICES) {
            assertThat(one(dev, "Deployment", service).at("/spec/replicas").asInt()).isEqualTo(1);
        }
    }

    /** The rendered objects of an overlay, as `kubectl kustomize` prints them. */
    private static List<JsonNode> render(String overlay) throws Exception {
        return Kustomize.objects("overlays/" + overlay);
    }

    private static boolean kind(JsonNode object, String kind) {
        return kind.equals(object.path("kind").asText());
    }

    private static JsonNode one(List<JsonNode> objects, String kind, String name) {
        List<JsonNode> found = objects.stream()
                .filter(o -> kind(o, kind) && name.equals(o.at("/metadata/name").asText())).toList();
        assertThat(found).as("%s %s", kind, name).hasSize(1);
        return found.get(0);
    }

    /** A container's environment: its env values and the ConfigMaps it takes whole (envFrom). */
    private static Map<String, String> env(List<JsonNode> objects, JsonNode container) {
        Map<String, String> env = new java.util.HashMap<>();
        container.path("envFrom").forEach(from -> {
            String name = from.at("/configMapRef/name").asText();
            objects.stream().filter(o -> kind(o, "ConfigMap") && name.equals(o.at("/metadata/name").asText()))
                    .forEach(map -> map.path("data").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText())));
        });
        container.path("env").forEach(e -> {
            if (e.has("value")) {
                env.put(e.path("name").asText(), e.path("value").asText());
            }
        });
        return env;
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
