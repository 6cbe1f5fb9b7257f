package io.shop.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.strimzi.api.kafka.model.connect.KafkaConnect;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every object of both overlays (and the Debezium component) validated against its published schema, unknown
 * fields rejected: Kubernetes, CloudNativePG and Prometheus Operator kinds by load-tests/k8s-check (the
 * kubernetes-models packages: their JSON-schema validators, and TypeScript for unknown fields), Strimzi kinds by
 * Strimzi's own Java model (io.strimzi:api), which keeps unknown fields aside instead of failing: any is an error.
 * The Redis operator publishes no model: its two objects are the only ones not validated.
 */
class K8sSchemaTest {

    private static final Path CHECK = MonitoringLiveTest.REPO.resolve("load-tests/k8s-check");
    private static final Map<String, Class<?>> STRIMZI = Map.of("Kafka", Kafka.class, "KafkaNodePool", KafkaNodePool.class,
            "KafkaTopic", KafkaTopic.class, "KafkaConnect", KafkaConnect.class, "KafkaConnector", KafkaConnector.class);
    private static final Set<String> NO_MODEL = Set.of("RedisReplication", "RedisSentinel");
    /** Both overlays, and prod with the opt-in Debezium component (a component renders only inside an overlay). */
    private static final List<String> TARGETS = List.of("overlays/dev", "overlays/prod", Kustomize.PROD_WITH_DEBEZIUM);

    @Test
    void kubernetesAndOperatorKindsMatchTheirSchemas() throws Exception {
        Tools.npmInstall(CHECK);
        List<String> files = new ArrayList<>();
        for (String target : TARGETS) {
            files.add(render(target).toString());
        }
        Tools.Result result = check(files);
        assertThat(result.exit()).as("k8s-check:%n%s", result.output()).isZero();
        assertThat(result.output()).contains("validated: apps/v1 Deployment", "validated: postgresql.cnpg.io/v1 Cluster",
                "validated: monitoring.coreos.com/v1 PrometheusRule", "validated: monitoring.coreos.com/v1 ServiceMonitor");
        List<String> notValidated = result.output().lines().filter(l -> l.startsWith("not validated here:"))
                .map(l -> l.split(" ")[4]).filter(kind -> !STRIMZI.containsKey(kind) && !NO_MODEL.contains(kind)).toList();
        assertThat(notValidated).as("kinds validated by nothing").isEmpty();
    }

    @Test
    void anUnknownFieldOrAWrongTypeFailsTheCheck() throws Exception {
        Tools.npmInstall(CHECK);
        String prod = Files.readString(render("overlays/prod"));
        Path unknownField = Files.createTempFile("k8s-unknown-", ".yaml");
        Files.writeString(unknownField, prod.replaceFirst("readOnlyRootFilesystem: true",
                "readOnlyRootFilesystem: true\n          readOnlyRootFileSystem: true"));
        Path wrongType = Files.createTempFile("k8s-type-", ".yaml");
        Files.writeString(wrongType, prod.replaceFirst("(?m)^  replicas: 3$", "  replicas: \"3\""));
        assertThat(prod).contains("  replicas: 3");

        Tools.Result unknown = check(List.of(unknownField.toString()));
        assertThat(unknown.exit()).isNotZero();
        assertThat(unknown.output()).contains("readOnlyRootFileSystem");
        assertThat(check(List.of(wrongType.toString())).exit()).isNotZero();
    }

    @Test
    void strimziKindsMatchStrimzisModel() throws Exception {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (String target : TARGETS) {
            for (JsonNode object : Kustomize.objects(target)) {
                Class<?> model = STRIMZI.get(object.path("kind").asText());
                if (model == null || !object.path("apiVersion").asText().startsWith("kafka.strimzi.io/")) {
                    continue;
                }
                checked++;
                unknownFields(strimzi(object, model), object.path("kind").asText() + " " + object.path("metadata")
                        .path("name").asText(), problems, new IdentityHashMap<>());
            }
        }
        assertThat(checked).as("Strimzi objects (prod twice, and the Debezium component's two)").isGreaterThanOrEqualTo(18);
        assertThat(problems).as("fields Strimzi's model does not know").isEmpty();

        // The check finds one: a misspelt field of a topic.
        JsonNode topic = new YAMLMapper().readTree("""
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaTopic
                metadata: {name: t}
                spec: {partitions: 1, replicas: 1, config: {retention.ms: 1}, partitons: 3}
                """);
        List<String> found = new ArrayList<>();
        unknownFields(strimzi(topic, KafkaTopic.class), "KafkaTopic t", found, new IdentityHashMap<>());
        assertThat(found).singleElement().asString().contains("partitons");
    }

    private static Object strimzi(JsonNode object, Class<?> model) throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        return mapper.treeToValue(object, model);
    }

    /** Walks the model's getters; any getAdditionalProperties() that is not empty holds fields the schema lacks. */
    private static void unknownFields(Object node, String path, List<String> problems, Map<Object, Boolean> seen)
            throws Exception {
        if (node == null || seen.put(node, true) != null) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", problems, seen);
            }
            return;
        }
        if (!node.getClass().getName().startsWith("io.strimzi.") && !node.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            Object value = getter.invoke(node);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add(path + ": " + extra.keySet());
                }
                continue;
            }
            if (value instanceof Map<?, ?>) {
                continue; // free-form maps (config, labels) are open by design
            }
            unknownFields(value, path + "." + getter.getName().substring(3), problems, seen);
        }
    }

    private static Tools.Result check(List<String> files) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", "check.mjs"));
        command.addAll(files);
        return Tools.result(CHECK, command.toArray(String[]::new));
    }

    private static Path render(String target) throws Exception {
        Path file = Files.createTempFile("k8s-" + target.replaceAll("[/+]", "-"), ".yaml");
        Files.writeString(file, Kustomize.build(target));
        return file;
    }

}
