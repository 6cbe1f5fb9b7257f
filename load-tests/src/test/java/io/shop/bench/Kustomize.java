package io.shop.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** deploy/k8s rendered as `kubectl apply -k` would render it, for the manifest tests. */
final class Kustomize {

    /** An overlay with the opt-in Debezium component, as a platform team would add it. */
    static final String PROD_WITH_DEBEZIUM = "prod+debezium";

    private Kustomize() {
    }

    /**
     * The rendered YAML of {@code target}: "overlays/dev", "overlays/prod", or {@link #PROD_WITH_DEBEZIUM}, which
     * kustomize builds only from a kustomization of its own with relative paths (one under load-tests/target).
     */
    static String build(String target) throws Exception {
        Path dir = K8sManifestsTest.K8S.resolve(target);
        if (target.equals(PROD_WITH_DEBEZIUM)) {
            dir = MonitoringLiveTest.REPO.resolve("load-tests/target/k8s-prod-debezium");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("kustomization.yaml"), """
                    apiVersion: kustomize.config.k8s.io/v1beta1
                    kind: Kustomization
                    resources: [../../../deploy/k8s/overlays/prod]
                    components: [../../../deploy/k8s/components/debezium]
                    """);
        }
        Tools.Result result = Tools.result(dir, "kubectl", "kustomize", ".");
        assertThat(result.exit()).as("kubectl kustomize %s: %s", target, result.output()).isZero();
        return result.output();
    }

    static List<JsonNode> objects(String target) throws Exception {
        List<JsonNode> objects = new ArrayList<>();
        YAMLMapper yaml = new YAMLMapper();
        try (var parser = yaml.createParser(build(target))) {
            yaml.readValues(parser, JsonNode.class).forEachRemaining(objects::add);
        }
        return objects;
    }
}
