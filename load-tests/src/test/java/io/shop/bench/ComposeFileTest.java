package io.shop.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** docker-compose.yml, checked without Docker: the compose linter, and settings that the services really read. */
class ComposeFileTest {

    static final Path REPO = MonitoringLiveTest.REPO;

    @Test
    void dclintFindsNoError() throws Exception {
        Path check = REPO.resolve("load-tests/compose-check");
        assertThat(Tools.npmCheck(check)).as("dclint docker-compose.yml").isZero();
    }

    /** The compose file's services as compose reads them: SnakeYAML resolves the anchors and merge keys (<<). */
    private static JsonNode services() throws Exception {
        Object compose = new Yaml().load(Files.readString(REPO.resolve("docker-compose.yml")));
        return new ObjectMapper().valueToTree(compose).path("services");
    }

    /** The module a compose service runs: its build arg SERVICE, or that of the service that builds its image. */
    private static String module(JsonNode services, JsonNode service) {
        String built = service.path("build").path("args").path("SERVICE").asText(null);
        if (built != null || !service.has("image")) {
            return built;
        }
        for (JsonNode other : services) {
            if (other.path("image").equals(service.path("image")) && other.has("build")) {
                return other.path("build").path("args").path("SERVICE").asText(null);
            }
        }
        return null;
    }

    /** Each compose service built from a module (build arg SERVICE) is given only settings that module reads. */
    @Test
    void everyEnvironmentVariableOfAServiceNamesASettingItReads() throws Exception {
        JsonNode services = services();
        List<String> unknown = new ArrayList<>();
        Set<String> built = new TreeSet<>();
        services.fields().forEachRemaining(service -> {
            String module = service.getValue().path("build").path("args").path("SERVICE").asText(null);
            if (module == null) {
                return;
            }
            built.add(module);
            JsonNode environment = service.getValue().path("environment");
            assertThat(environment.isObject()).as("environment of %s", service.getKey()).isTrue();
            environment.fieldNames().forEachRemaining(variable -> {
                if (!ServiceSettings.isRead(module, variable)) {
                    unknown.add(service.getKey() + " (" + module + "): " + variable);
                }
            });
        });
        assertThat(built).as("services built from a module").containsExactlyInAnyOrderElementsOf(K8sManifestsTest.SERVICES);
        assertThat(unknown).as("variables that set nothing").isEmpty();
    }

    /** Two catalog instances behind the one entry point, each scraped by Prometheus. */
    @Test
    void twoCatalogInstancesAreBalancedAndScraped() throws Exception {
        JsonNode services = services();
        List<String> catalogs = new ArrayList<>();
        services.fields().forEachRemaining(s -> {
            if ("catalog-service".equals(module(services, s.getValue()))) {
                catalogs.add(s.getKey());
            }
        });
        assertThat(catalogs).hasSize(2);
        String nginx = Files.readString(REPO.resolve("deploy/compose/catalog-nginx.conf"));
        String prometheus = Files.readString(REPO.resolve("monitoring/prometheus/prometheus.yml"));
        for (String catalog : catalogs) {
            assertThat(nginx).contains("server " + catalog + ":8081");
            assertThat(prometheus).contains("'" + catalog + ":8081'");
        }
        assertThat(services.path("catalog").path("ports").get(0).asText()).isEqualTo("127.0.0.1:${SHOP_CATALOG_PORT:-8081}:8081");
    }
}
