package io.shop.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docker-compose.yml, checked without Docker: the compose linter, and settings that the services really read. */
class ComposeFileTest {

    static final Path REPO = MonitoringLiveTest.REPO;

    @Test
    void dclintFindsNoError() throws Exception {
        Path check = REPO.resolve("load-tests/compose-check");
        assertThat(Tools.npmCheck(check)).as("dclint docker-compose.yml").isZero();
    }

    @Test
    void everyEnvironmentVariableOfAServiceNamesASettingItReads() throws Exception {
        JsonNode services = new YAMLMapper().readTree(REPO.resolve("docker-compose.yml").toFile()).path("services");
        List<String> unknown = new ArrayList<>();
        for (String module : K8sManifestsTest.SERVICES) {
            JsonNode environment = services.path(module).path("environment");
            assertThat(environment.isObject()).as("environment of %s", module).isTrue();
            environment.fieldNames().forEachRemaining(variable -> {
                if (!ServiceSettings.isRead(module, variable)) {
                    unknown.add(module + ": " + variable);
                }
            });
        }
        assertThat(unknown).as("variables that set nothing").isEmpty();
    }
}
