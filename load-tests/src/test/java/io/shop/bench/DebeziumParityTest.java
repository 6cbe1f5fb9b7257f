package io.shop.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.debezium.embedded.Connect;
import io.shop.common.events.Topics;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.StringConverter;
import org.junit.jupiter.api.Test;

/**
 * Debezium as the outbox relay, proven against ours: Debezium's PostgreSQL connector with the outbox EventRouter, on
 * the connector configuration the prod overlay ships (deploy/k8s/components/debezium, read from the rendered
 * KafkaConnector), runs in Debezium's embedded engine against the tests' PostgreSQL (logical decoding, pgoutput)
 * while a real order-service and catalog-service, their own relays on, take checkouts, a cancel and admin writes.
 * Every outbox row the relays published, Debezium emits too: same topic, same key, and a value the invalidator reads
 * as the very same event (id, aggregate, type, version, occurred_at, payload), so it applies both alike. Then the
 * engine is stopped, more writes commit, and a restarted engine (same offsets, same slot) emits them: nothing lost.
 */
class DebeziumParityTest {

    private static final Path REPO = MonitoringLiveTest.REPO;
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    private static final String CATALOG = "parity-catalog";
    private static final String ORDERS = "parity-orders";

    /** A record as Kafka would hold it: topic, key and value as text. */
    record Published(String topic, String key, String value) {
        io.shop.common.events.ChangeEvent event() throws Exception {
            return JSON.readValue(value, io.shop.common.events.ChangeEvent.class);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<UUID, Published> fromDebezium = new ConcurrentHashMap<>();
    private final Map<ExecutorService, DebeziumEngine<?>> engines = new HashMap<>();

    @Test
    void debeziumEmitsWhatTheRelaysPublishAndLosesNothingAcrossARestart() throws Exception {
        Servers servers = SystemTestServers.get();
        String suffix = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        Path offsets = Files.createTempFile("debezium-offsets-", ".dat");
        Properties engineConfig = engineConfig(servers, "parity_" + suffix, offsets);
        Instant start = Instant.now();
        try (LocalCluster cluster = new LocalCluster(new LocalCluster.Settings(REPO, servers,
                SystemTestServers.DATABASE, 4, "parity-invalidator", REPO.resolve("load-tests/target/parity-logs")))) {
            cluster.startOrders(ORDERS);
            cluster.startCatalog(CATALOG, true);
            String catalog = cluster.url(CATALOG);
            String orders = cluster.url(ORDERS);
            ClusterState state = new ClusterState(servers, SystemTestServers.DATABASE, 4);
            Path key = REPO.resolve("dev-keys/privateKey.pem");
            String admin = DevToken.admin(key, 1);
            String customer = DevToken.customer(key, state.ids("SELECT min(id) FROM orders.users").get(0));
            List<Long> variants = state.ids("""
                    SELECT i.product_variant_id FROM catalog.inventory i
                      JOIN catalog.product_variants v ON v.id = i.product_variant_id
                      JOIN catalog.products p ON p.id = v.product_id
                     WHERE p.is_active AND i.quantity_available > 20 ORDER BY i.product_variant_id LIMIT 3 OFFSET 300""");
            long product = state.ids("SELECT product_id FROM catalog.product_variants WHERE id = " + variants.get(0)).get(0);

            ExecutorService engine = start(engineConfig, servers, "parity_" + suffix);
            long order = checkout(orders, customer, variants.get(0));
            checkout(orders, customer, variants.get(1));
            send(HttpRequest.newBuilder(URI.create(orders + "/orders/" + order + "/cancel"))
                    .header("Authorization", "Bearer " + customer).POST(HttpRequest.BodyPublishers.noBody()), 200);
            price(catalog, admin, product, "41.50");
            send(admin(catalog + "/admin/products/" + product + "/variants/" + variants.get(0) + "/restock", admin)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"quantity\": 3}")), 200);
            // Two checkouts and a cancel (each an order event and a stock event), a price change, a restock.
            awaitBoth(servers, start, 8);
            stop(engine);

            // Written while no connector runs: the slot keeps the WAL, the offsets say where it stopped.
            price(catalog, admin, product, "42.75");
            checkout(orders, customer, variants.get(2));
            ExecutorService restarted = start(engineConfig, servers, "parity_" + suffix);
            Map<UUID, Published> fromRelays;
            try {
                fromRelays = awaitBoth(servers, start, 11);
            } finally {
                stop(restarted);
            }

            assertThat(fromRelays).as("events the relays published during the test").hasSizeGreaterThanOrEqualTo(11);
            List<String> differences = new ArrayList<>();
            for (var relayed : fromRelays.entrySet()) {
                Published debezium = fromDebezium.get(relayed.getKey());
                if (debezium == null) {
                    differences.add("missing from Debezium: " + relayed.getValue());
                } else if (!debezium.topic().equals(relayed.getValue().topic())
                        || !debezium.key().equals(relayed.getValue().key())
                        || !debezium.event().equals(relayed.getValue().event())) {
                    differences.add("relay " + relayed.getValue() + "\n   debezium " + debezium);
                }
            }
            assertThat(differences).as("records the invalidator would read differently").isEmpty();
            assertThat(fromRelays.values()).extracting(Published::topic)
                    .contains(Topics.PRODUCT_CHANGED, Topics.forAggregate("order"));
        } finally {
            dropSlot(servers, "parity_" + suffix);
        }
    }

    /** The KafkaConnector's configuration as the prod overlay with the Debezium component renders it, pointed here. */
    private static Properties engineConfig(Servers servers, String slot, Path offsets) throws Exception {
        JsonNode connector = Kustomize.objects(Kustomize.PROD_WITH_DEBEZIUM).stream()
                .filter(o -> "KafkaConnector".equals(o.path("kind").asText())).findFirst().orElse(null);
        assertThat(connector).as("the rendered KafkaConnector").isNotNull();
        Properties p = new Properties();
        connector.path("spec").path("config").fields().forEachRemaining(f -> p.setProperty(f.getKey(), f.getValue().asText()));
        p.setProperty("connector.class", connector.path("spec").path("class").asText());
        // Where it runs: the tests' PostgreSQL instead of the cluster's, a slot and publication of its own.
        p.setProperty("database.hostname", "127.0.0.1");
        p.setProperty("database.port", String.valueOf(servers.postgresPort()));
        p.setProperty("database.user", "postgres");
        p.setProperty("database.password", "");
        p.setProperty("database.dbname", SystemTestServers.DATABASE);
        p.setProperty("slot.name", slot);
        p.setProperty("publication.name", slot);
        // Only what happens from now on (the relays delete published rows anyway).
        p.setProperty("snapshot.mode", "no_data");
        // The embedded engine's own settings: a name, offsets in a file, flushed at once.
        p.setProperty("name", slot);
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
        p.setProperty("offset.storage.file.filename", offsets.toString());
        p.setProperty("offset.flush.interval.ms", "0");
        return p;
    }

    private ExecutorService start(Properties config, Servers servers, String slot) throws Exception {
        StringConverter keys = new StringConverter();
        keys.configure(Map.of(), true);
        JsonConverter values = new JsonConverter();
        values.configure(Map.of("schemas.enable", config.getProperty("value.converter.schemas.enable", "false")), false);
        assertThat(config.getProperty("key.converter")).isEqualTo(StringConverter.class.getName());
        assertThat(config.getProperty("value.converter")).isEqualTo(JsonConverter.class.getName());
        DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(config)
                .notifying((RecordChangeEvent<SourceRecord> event) -> {
                    SourceRecord r = event.record();
                    String key = new String(keys.fromConnectData(r.topic(), r.keySchema(), r.key()), StandardCharsets.UTF_8);
                    String value = new String(values.fromConnectData(r.topic(), r.valueSchema(), r.value()), StandardCharsets.UTF_8);
                    try {
                        fromDebezium.put(UUID.fromString(JSON.readTree(value).path("id").asText()), new Published(r.topic(), key, value));
                    } catch (Exception e) {
                        throw new IllegalStateException("unreadable record from Debezium: " + value, e);
                    }
                })
                .build();
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "debezium-engine");
            t.setDaemon(true);
            return t;
        });
        executor.execute(engine);
        engines.put(executor, engine);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!slotActive(servers, slot)) {
            assertThat(System.nanoTime()).as("Debezium's replication slot active within 60 s").isLessThan(deadline);
            LocalCluster.sleep(200);
        }
        return executor;
    }

    private void stop(ExecutorService executor) throws Exception {
        engines.remove(executor).close();
        executor.shutdown();
        assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).as("engine stopped").isTrue();
    }

    /**
     * Until the relays published at least {@code events} since the start and Debezium emitted each of them too;
     * returns what the relays published (the comparison's reference), whether or not Debezium caught up in time.
     */
    private Map<UUID, Published> awaitBoth(Servers servers, Instant since, int events) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Map<UUID, Published> relayed = relayRecords(servers, since);
        while (System.nanoTime() < deadline
                && (relayed.size() < events || !fromDebezium.keySet().containsAll(relayed.keySet()))) {
            LocalCluster.sleep(1_000);
            relayed = relayRecords(servers, since);
        }
        return relayed;
    }

    private static Map<UUID, Published> relayRecords(Servers servers, Instant since) throws Exception {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", servers.kafkaBootstrap());
        p.setProperty("group.id", "parity-" + UUID.randomUUID());
        p.setProperty("auto.offset.reset", "earliest");
        p.setProperty("enable.auto.commit", "false");
        Map<UUID, Published> found = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(Topics.PRODUCT_CHANGED, Topics.forAggregate("order"))) {
                consumer.partitionsFor(topic).forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofSeconds(1))) {
                    JsonNode value;
                    try {
                        value = JSON.readTree(r.value());
                    } catch (com.fasterxml.jackson.core.JsonProcessingException poison) {
                        continue; // the invalidator's tests publish unreadable records on purpose
                    }
                    if (value == null || !value.hasNonNull("aggregatetype") || !value.hasNonNull("occurred_at")
                            || Instant.parse(value.path("occurred_at").asText()).isBefore(since)) {
                        continue; // progress watermarks, and events of earlier tests
                    }
                    found.put(UUID.fromString(value.path("id").asText()), new Published(r.topic(), r.key(), r.value()));
                }
            }
        }
        return found;
    }

    private long checkout(String orders, String token, long variant) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(orders + "/orders"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofString("{\"lines\":[{\"variantId\":" + variant + ",\"quantity\":1}]}")), 201);
        return JSON.readTree(r.body()).path("id").asLong();
    }

    private void price(String catalog, String token, long product, String price) throws Exception {
        send(admin(catalog + "/admin/products/" + product, token)
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"price\": " + new BigDecimal(price) + "}")), 200);
    }

    private static HttpRequest.Builder admin(String url, String token) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json");
    }

    private HttpResponse<String> send(HttpRequest.Builder request, int expected) throws Exception {
        HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("%s: %s", r.uri(), r.body()).isEqualTo(expected);
        return r;
    }

    private static boolean slotActive(Servers servers, String slot) throws Exception {
        try (Connection c = DriverManager.getConnection(servers.jdbcUrl(SystemTestServers.DATABASE));
             var s = c.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, slot);
            try (var rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** The slot would keep WAL for ever: dropped, with the publication, whatever the outcome. */
    private static void dropSlot(Servers servers, String slot) throws Exception {
        try (Connection c = DriverManager.getConnection(servers.jdbcUrl(SystemTestServers.DATABASE));
             var s = c.createStatement()) {
            s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + slot
                    + "' AND NOT active");
            s.execute("DROP PUBLICATION IF EXISTS " + slot);
        }
    }
}
