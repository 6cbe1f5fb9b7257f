package io.shop.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings a service reads, as environment variable names: every key of its application.properties and every
 * property its values refer to (${shop.db.host...}), in the form Quarkus maps to (SHOP_DB_HOST). A deployment's
 * environment variable that is none of these, and not Quarkus' own, sets nothing.
 */
final class ServiceSettings {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([a-zA-Z0-9._-]+)");

    private ServiceSettings() {
    }

    static Set<String> environmentNames(String module) {
        Set<String> names = new HashSet<>();
        try {
            for (Path file : configFiles(module)) {
                for (String line : Files.readAllLines(file)) {
                    String trimmed = line.trim();
                    if (trimmed.isEmpty() || trimmed.startsWith("#") || !trimmed.contains("=")) {
                        continue;
                    }
                    String key = trimmed.substring(0, trimmed.indexOf('=')).replaceFirst("^%[a-z]+\\.", "");
                    names.add(environmentName(key));
                    Matcher m = REFERENCE.matcher(trimmed);
                    while (m.find()) {
                        names.add(environmentName(m.group(1)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    /** The module's application.properties, and the shared settings of each shared module it uses. */
    private static List<Path> configFiles(String module) throws IOException {
        Path repo = MonitoringLiveTest.REPO;
        List<Path> files = new ArrayList<>(List.of(repo.resolve(module).resolve("src/main/resources/application.properties")));
        String pom = Files.readString(repo.resolve(module).resolve("pom.xml"));
        for (String shared : List.of("shop-database", "shop-auth")) {
            if (pom.contains("<artifactId>" + shared + "</artifactId>")) {
                files.add(repo.resolve(shared).resolve("src/main/resources/META-INF/microprofile-config.properties"));
            }
        }
        return files;
    }

    /** True for names the service reads, and for Quarkus' and the JVM image's own. */
    static boolean isRead(String module, String variable) {
        return variable.startsWith("QUARKUS_") || variable.equals("JAVA_OPTS") || environmentNames(module).contains(variable);
    }

    static String environmentName(String property) {
        return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }
}
