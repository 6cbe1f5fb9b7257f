package io.shop.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What ships: the services' packaged applications (target/quarkus-app, what the images copy) hold no private key,
 * so a production deployment cannot mint tokens its own verifier accepts. The development keys live in dev-keys/
 * and reach tests only on their classpath. And each service's bill of materials (target/bom.json, copied into its
 * image) lists what it ships, at the security pins of the root pom.xml.
 */
class ProductionJarsTest {

    private static final Path REPO = MonitoringLiveTest.REPO;
    private static final byte[] PRIVATE_KEY = "PRIVATE KEY".getBytes(StandardCharsets.US_ASCII);

    @ParameterizedTest
    @ValueSource(strings = {"catalog-service", "order-service", "cache-invalidator"})
    void noPackagedFileHoldsAPrivateKey(String service) throws IOException {
        Path app = REPO.resolve(service).resolve("target/quarkus-app");
        assertThat(app.resolve("quarkus-run.jar")).as("%s is packaged", service).exists();
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(app)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".jar")) {
                    found.addAll(keysIn(file, isOurs(app, file)));
                } else if (contains(Files.readAllBytes(file), PRIVATE_KEY)) {
                    found.add(app.relativize(file).toString());
                }
            }
        }
        assertThat(found).as("private keys in %s", app).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"catalog-service", "order-service", "cache-invalidator"})
    void theBillOfMaterialsListsEveryShippedJarAndThePinnedVersions(String service) throws IOException {
        JsonNode bom = new ObjectMapper().readTree(REPO.resolve(service).resolve("target/bom.json").toFile());
        Map<String, String> versions = new LinkedHashMap<>();
        Set<String> listed = new TreeSet<>();
        for (JsonNode c : bom.path("components")) {
            String id = c.path("group").asText() + ":" + c.path("name").asText();
            versions.put(id, c.path("version").asText());
            listed.add(c.path("group").asText() + "." + c.path("name").asText() + "-" + c.path("version").asText());
        }
        List<String> unlisted = new ArrayList<>();
        try (Stream<Path> jars = Files.list(REPO.resolve(service).resolve("target/quarkus-app/lib/main"))) {
            // Quarkus names a shipped jar group.artifact-version[-classifier].jar.
            for (String jar : jars.map(j -> j.getFileName().toString()).toList()) {
                if (listed.stream().noneMatch(l -> jar.equals(l + ".jar") || jar.startsWith(l + "-"))) {
                    unlisted.add(jar);
                }
            }
        }
        assertThat(unlisted).as("shipped jars of %s missing from its bill of materials", service).isEmpty();

        String pom = Files.readString(REPO.resolve("pom.xml"));
        Map<String, String> pins = new LinkedHashMap<>();
        pins.put("com.fasterxml.jackson.core:jackson-databind", property(pom, "jackson.version"));
        pins.put("io.netty:netty-handler", property(pom, "netty.version"));
        pins.put("io.vertx:vertx-core", property(pom, "vertx.version"));
        pins.put("org.apache.kafka:kafka-clients", property(pom, "kafka.version"));
        if (!service.equals("cache-invalidator")) {
            pins.put("org.postgresql:postgresql", property(pom, "postgresql-jdbc.version"));
        }
        pins.forEach((artifact, version) -> assertThat(versions.get(artifact)).as("%s in %s", artifact, service).isEqualTo(version));
    }

    private static String property(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom);
        assertThat(m.find()).as("property %s in pom.xml", name).isTrue();
        return m.group(1);
    }

    /** Our own and generated jars are read whole; third-party jars only for key-like entry names (they are large). */
    private static boolean isOurs(Path app, Path jar) {
        return !jar.startsWith(app.resolve("lib")) || jar.getFileName().toString().startsWith("io.shop.");
    }

    private static List<String> keysIn(Path jar, boolean readEveryEntry) throws IOException {
        List<String> found = new ArrayList<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry entry : zip.stream().toList()) {
                String name = entry.getName();
                boolean keyLike = name.contains("dev-keys") || name.endsWith(".pem") || name.endsWith(".key")
                        || name.endsWith(".p12") || name.endsWith(".jks");
                if (entry.isDirectory() || !(keyLike || readEveryEntry)) {
                    continue;
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    if (keyLike && name.contains("dev-keys") || contains(in.readAllBytes(), PRIVATE_KEY)) {
                        found.add(jar.getFileName() + "!/" + name);
                    }
                }
            }
        }
        return found;
    }

    private static boolean contains(byte[] data, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= data.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
