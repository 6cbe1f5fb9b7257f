package io.shop.database.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.shop.common.events.Topics;
import io.shop.common.events.Watermark;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Publishes a service's outbox rows to Kafka, oldest first, and deletes them only after the broker acknowledged
 * every one of them. It polls the table every {@code shop.outbox.poll-interval} (25 ms), and at once again while
 * batches come back full. After a round that published nothing, the next poll is one statement outside any
 * transaction (are rows waiting? which other tables are empty?), and drains only if rows wait: an idle service's
 * relay costs PostgreSQL one read 40 times a second, not two round trips, a transaction and the lock. Not woken by
 * NOTIFY: a transaction that notifies takes a database-wide lock at commit and holds it through its WAL flush, which
 * serialised every checkout's commit (see migration V4).
 *
 * <p>One batch is one transaction that first takes a transaction-scoped advisory lock on the table: with several
 * instances only one publishes at a time, so rows leave in {@code seq} order. The lock is waited for, not tried: the
 * next instance drains the moment the holder commits instead of at its next poll, which took about 30 ms off the
 * invalidation lag's p99 with two catalog instances at 200 writes/s (the batch is read after the lock is granted,
 * so it never holds rows the holder just published). If the broker is away the sends fail, the transaction rolls back
 * and the rows wait for the next attempt; a crash between the acknowledgement and the delete publishes a batch twice,
 * which consumers tolerate (events carry ids and versions).
 *
 * <p>Watermarks (when {@code shop.outbox.watermark.topic} is set): after a drain, the relay writes a {@link Watermark}
 * into every partition of that topic for each outbox table it can vouch for: its own table when the batch took every
 * row there was, and each other table of {@code shop.outbox.watermark.tables} that was empty in a snapshot taken
 * after the drain started (rows leave a table only once the broker acknowledged them). So the other writing service
 * being down does not stop progress unless it left unpublished rows behind, which is exactly when readers must wait.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    /** The service's pool: only for the backlog gauge. */
    private final Pool pool;
    /** A connection of the relay's own, so that request traffic holding the pool never delays publishing. */
    private Pool relayConnection;
    private final Vertx vertx;
    private final MutinyEmitter<String> emitter;
    private final String table;
    private final boolean enabled;
    private final Duration pollInterval;
    private final int batchSize;
    private final Optional<String> reactiveUrl;
    private final String dbUser;
    private final Optional<String> dbPassword;

    private final KafkaClientService kafka;
    private final Optional<String> watermarkTopic;
    /** The other outbox tables this relay may vouch for, and one statement telling which of them are empty. */
    private final List<String> otherTables;
    private final String otherTablesEmpty;
    /** An idle round's one statement: the time, whether rows wait in our table, and which other tables are empty. */
    private final String peek;
    private final long watermarkMinIntervalMillis;
    private volatile int watermarkPartitions;
    private volatile long lastWatermarkMillis;
    /** One round of watermarks at a time: with the broker away each round blocks the producer for max.block.ms. */
    private final AtomicBoolean watermarkInFlight = new AtomicBoolean();

    private final Counter published;
    private final Counter failures;
    private final Counter watermarkFailures;
    private final Timer relayLag;
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong oldestAgeMillis = new AtomicLong();

    /** Guarded by this: wakes come from the poll timer and from a drain that found a full batch. */
    private boolean running;
    private boolean wakeAgain;
    /** The last round published nothing: the next one peeks before it drains. */
    private boolean idle;
    private long pollTimer = -1;
    private long lastFailureLogMillis;
    private long gaugeTimer = -1;

    public OutboxRelay(Pool pool, Vertx vertx, @Channel("outbox") MutinyEmitter<String> emitter, MeterRegistry registry,
                       KafkaClientService kafka,
                       @ConfigProperty(name = "shop.outbox.table") String table,
                       @ConfigProperty(name = "shop.outbox.watermark.topic") Optional<String> watermarkTopic,
                       @ConfigProperty(name = "shop.outbox.watermark.tables") Optional<List<String>> watermarkTables,
                       @ConfigProperty(name = "shop.outbox.watermark.min-interval", defaultValue = "PT0.2S") Duration watermarkMinInterval,
                       @ConfigProperty(name = "shop.outbox.relay-enabled", defaultValue = "true") boolean enabled,
                       @ConfigProperty(name = "shop.outbox.poll-interval", defaultValue = "PT0.025S") Duration pollInterval,
                       @ConfigProperty(name = "shop.outbox.batch-size", defaultValue = "200") int batchSize,
                       @ConfigProperty(name = "quarkus.datasource.reactive.url") Optional<String> reactiveUrl,
                       @ConfigProperty(name = "quarkus.datasource.username", defaultValue = "postgres") String dbUser,
                       @ConfigProperty(name = "quarkus.datasource.password") Optional<String> dbPassword) {
        if (!table.matches("[a-z_]+\\.outbox")) {
            throw new IllegalArgumentException("shop.outbox.table must be <schema>.outbox, was " + table);
        }
        this.pool = pool;
        this.kafka = kafka;
        this.watermarkTopic = watermarkTopic;
        this.otherTables = watermarkTables.orElse(List.of()).stream().filter(t -> !t.equals(table)).toList();
        otherTables.forEach(t -> {
            if (!t.matches("[a-z_]+\\.outbox")) {
                throw new IllegalArgumentException("shop.outbox.watermark.tables must name <schema>.outbox tables, not " + t);
            }
        });
        List<String> othersEmpty = watermarkTopic.isEmpty() ? List.of()
                : otherTables.stream().map(t -> "NOT EXISTS (SELECT 1 FROM " + t + ")").toList();
        this.otherTablesEmpty = othersEmpty.isEmpty() ? null : "SELECT " + String.join(", ", othersEmpty);
        // now() outside a transaction is the statement's start, before its snapshot: every row committed before it
        // is visible to the EXISTS, so "none pending" vouches for our table through that time.
        this.peek = "SELECT (extract(epoch FROM now()) * 1000)::bigint AS at, EXISTS (SELECT 1 FROM " + table
                + ") AS pending" + (othersEmpty.isEmpty() ? "" : ", " + String.join(", ", othersEmpty));
        this.watermarkMinIntervalMillis = watermarkMinInterval.toMillis();
        this.vertx = vertx;
        this.emitter = emitter;
        this.table = table;
        this.enabled = enabled;
        this.pollInterval = pollInterval;
        this.batchSize = batchSize;
        this.reactiveUrl = reactiveUrl;
        this.dbUser = dbUser;
        this.dbPassword = dbPassword;
        this.published = Counter.builder("outbox.relay.published").tag("table", table)
                .description("Outbox rows published to Kafka and deleted").register(registry);
        this.failures = Counter.builder("outbox.relay.failures").tag("table", table)
                .description("Relay batches rolled back (broker away, database error)").register(registry);
        this.watermarkFailures = Counter.builder("outbox.relay.watermark.failures").tag("table", table)
                .description("Watermarks that could not be written (broker away)").register(registry);
        this.relayLag = Timer.builder("outbox.relay.lag").tag("table", table)
                .description("From the outbox row's insert to the broker's acknowledgement")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
        registry.gauge("outbox.backlog", List.of(Tag.of("table", table)), backlog);
        registry.more().timeGauge("outbox.oldest.age", List.of(Tag.of("table", table)),
                oldestAgeMillis, TimeUnit.MILLISECONDS, AtomicLong::get);
    }

    void start(@Observes StartupEvent ignored) {
        if (!enabled) {
            LOG.infof("outbox relay for %s is disabled (shop.outbox.relay-enabled=false)", table);
            return;
        }
        vertx.runOnContext(v -> {
            relayConnection = reactiveUrl.isEmpty() ? pool : Pool.newInstance(PgBuilder.pool()
                    .with(new PoolOptions().setMaxSize(1)).connectingTo(connectOptions()).using(vertx).build());
            pollTimer = vertx.setPeriodic(pollInterval.toMillis(), id -> wake());
            gaugeTimer = vertx.setPeriodic(5_000, id -> refreshBacklog());
            wake();
        });
    }

    void stop(@Observes ShutdownEvent ignored) {
        vertx.cancelTimer(pollTimer);
        vertx.cancelTimer(gaugeTimer);
        if (relayConnection != null && relayConnection != pool) {
            relayConnection.closeAndForget();
        }
    }

    private PgConnectOptions connectOptions() {
        return PgConnectOptions.fromUri(reactiveUrl.get()).setUser(dbUser).setPassword(dbPassword.orElse(""))
                // A frozen relay (SIGSTOP, a hung host) must not hold the relay lock, and with it every relay, forever.
                .addProperty("idle_in_transaction_session_timeout", "15s")
                // A relay waiting for the lock gives up now and then, so a failure shows in the log and the counter.
                .addProperty("lock_timeout", "5s");
    }

    /** Starts a drain unless one runs; a wake during a drain makes it go round once more. */
    private void wake() {
        boolean peekFirst;
        synchronized (this) {
            if (running) {
                wakeAgain = true;
                return;
            }
            running = true;
            wakeAgain = false;
            peekFirst = idle;
        }
        Uni<Drained> round = peekFirst
                ? peek().chain(nothingPending -> nothingPending.map(d -> Uni.createFrom().item(d)).orElseGet(this::drainOnce))
                : drainOnce();
        round.subscribe().with(drained -> {
            boolean again;
            synchronized (this) {
                running = false;
                idle = drained.published() == 0;
                again = drained.published() == batchSize || wakeAgain;
            }
            sendWatermarks(drained);
            if (again) {
                vertx.runOnContext(v -> wake());
            }
        }, failure -> {
            synchronized (this) {
                running = false;
            }
            failures.increment();
            // Polled every 25 ms: while the database or the broker is away, one line every 10 s, not 40 a second.
            long now = System.currentTimeMillis();
            if (now - lastFailureLogMillis >= 10_000) {
                lastFailureLogMillis = now;
                LOG.warnf("outbox relay for %s: batch rolled back, rows kept for the next attempt (%s failures so"
                        + " far, see outbox_relay_failures_total): %s", table, (long) failures.count(), failure.getMessage());
            }
        });
    }

    /**
     * What one drain did: how many rows left the table, and which outbox tables it can vouch for: every change of
     * theirs committed before {@code at} (PostgreSQL's clock, epoch millis) has been acknowledged by the broker.
     */
    record Drained(int published, long at, List<String> vouched) {
    }

    /**
     * An idle relay's poll: one statement outside any transaction instead of a drain's two round trips, its
     * transaction and the relay lock. Empty when rows wait in the table (the caller drains them); otherwise what a
     * drain of nothing would have vouched for, through the statement's start.
     */
    private Uni<Optional<Drained>> peek() {
        return relayConnection.query(peek).execute().map(rows -> {
            Row row = rows.iterator().next();
            if (row.getBoolean("pending")) {
                return Optional.empty();
            }
            List<String> vouched = new ArrayList<>();
            if (watermarkTopic.isPresent()) {
                vouched.add(table);
                vouched.addAll(emptyOthers(row, 2));
            }
            return Optional.of(new Drained(0, row.getLong("at"), vouched));
        });
    }

    /** The other tables whose emptiness the row tells, in columns {@code first} on. */
    private List<String> emptyOthers(Row row, int first) {
        List<String> empty = new ArrayList<>();
        for (int i = 0; i < otherTables.size(); i++) {
            if (row.getBoolean(first + i)) {
                empty.add(otherTables.get(i));
            }
        }
        return empty;
    }

    /**
     * Publishes and deletes up to one batch, under the relay lock. Two round trips to PostgreSQL, each a pipeline:
     * BEGIN, the lock and the batch; then, once the broker acknowledged every record, the DELETE, the other tables'
     * emptiness and COMMIT. Any failure sends ROLLBACK: the rows stay for the next try.
     */
    Uni<Drained> drainOnce() {
        return relayConnection.withConnection(conn -> Uni.combine().all().unis(
                        conn.query("BEGIN").execute(),
                        conn.preparedQuery("SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS at"
                                        + " FROM pg_advisory_xact_lock(hashtext($1))")
                                .execute(Tuple.of("outbox-relay:" + table)),
                        conn.preparedQuery("SELECT id, aggregatetype, aggregateid, type, version, payload, occurred_at FROM "
                                + table + " ORDER BY seq LIMIT $1").execute(Tuple.of(batchSize)))
                .asTuple()
                .chain(begun -> {
                    RowSet<Row> batch = begun.getItem3();
                    long at = begun.getItem2().iterator().next().getLong("at");
                    return publish(batch).chain(() -> finish(conn, batch, at));
                })
                .onFailure().call(failure -> conn.query("ROLLBACK").execute().onFailure().recoverWithNull()));
    }

    /** Sends every row of the batch; completes once the broker acknowledged all of them. */
    private Uni<Void> publish(RowSet<Row> batch) {
        if (batch.size() == 0) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> sends = new ArrayList<>(batch.size());
        List<OffsetDateTime> occurred = new ArrayList<>(batch.size());
        for (Row row : batch) {
            occurred.add(row.getOffsetDateTime("occurred_at"));
            sends.add(emitter.sendMessage(toMessage(row)));
        }
        return Uni.join().all(sends).andFailFast().invoke(() -> recordLag(occurred)).replaceWithVoid();
    }

    /**
     * Deletes the published rows, then tells which tables this drain vouches for: ours if the batch took every row
     * visible after {@code at}; each other table if it is empty in a snapshot taken now; and commits.
     */
    private Uni<Drained> finish(SqlConnection conn, RowSet<Row> batch, long at) {
        int count = batch.size();
        Uni<Integer> deleted = Uni.createFrom().item(0);
        if (count > 0) {
            UUID[] ids = new UUID[count];
            int n = 0;
            for (Row row : batch) {
                ids[n++] = row.getUUID("id");
            }
            deleted = conn.preparedQuery("DELETE FROM " + table + " WHERE id = ANY($1)").execute(Tuple.of((Object) ids))
                    .map(RowSet::rowCount);
        }
        Uni<List<String>> othersEmpty = otherTablesEmpty == null ? Uni.createFrom().item(List.of())
                : conn.query(otherTablesEmpty).execute().map(rows -> emptyOthers(rows.iterator().next(), 0));
        return Uni.combine().all().unis(deleted, othersEmpty, conn.query("COMMIT").execute()).asTuple().map(done -> {
            published.increment(done.getItem1());
            List<String> vouched = new ArrayList<>();
            if (watermarkTopic.isPresent()) {
                if (count < batchSize) {
                    vouched.add(table);
                }
                vouched.addAll(done.getItem2());
            }
            return new Drained(count, at, vouched);
        });
    }

    /**
     * One watermark per vouched table into every partition of the watermark topic, after the drain's records were
     * acknowledged; at most one round per {@code shop.outbox.watermark.min-interval}.
     */
    private void sendWatermarks(Drained drained) {
        if (watermarkTopic.isEmpty() || drained.vouched().isEmpty()
                || System.currentTimeMillis() - lastWatermarkMillis < watermarkMinIntervalMillis
                || !watermarkInFlight.compareAndSet(false, true)) {
            return;
        }
        lastWatermarkMillis = System.currentTimeMillis();
        String topic = watermarkTopic.get();
        partitions(topic).chain(partitions -> {
            List<Uni<Void>> sends = new ArrayList<>();
            for (String source : drained.vouched()) {
                String value = JsonObject.mapFrom(Watermark.of(source, drained.at(), partitions)).encode();
                for (int p = 0; p < partitions; p++) {
                    OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                            .withTopic(topic).withPartition(p).build();
                    sends.add(emitter.sendMessage(Message.of(value).addMetadata(metadata)));
                }
            }
            return Uni.join().all(sends).andFailFast();
        }).onTermination().invoke(() -> watermarkInFlight.set(false)).subscribe().with(ok -> { }, failure -> {
            watermarkFailures.increment();
            watermarkPartitions = 0;
            LOG.debugf("watermarks not written: %s", failure.getMessage());
        });
    }

    private Uni<Integer> partitions(String topic) {
        int known = watermarkPartitions;
        if (known > 0) {
            return Uni.createFrom().item(known);
        }
        return kafka.getProducer("outbox").partitionsFor(topic).map(list -> watermarkPartitions = list.size());
    }

    private static Message<String> toMessage(Row row) {
        JsonObject value = new JsonObject()
                .put("id", row.getUUID("id").toString())
                .put("aggregatetype", row.getString("aggregatetype"))
                .put("aggregateid", row.getString("aggregateid"))
                .put("type", row.getString("type"))
                .put("version", row.getLong("version"))
                .put("occurred_at", row.getOffsetDateTime("occurred_at").toInstant().toString())
                // Any JSON value, as stored: a payload that is not an object must reach the consumers' dead-letter
                // topic, never stop the relay (a cast failure here would roll the batch back for ever).
                .put("payload", row.getValue("payload"));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(Topics.forAggregate(row.getString("aggregatetype")))
                .withKey(row.getString("aggregateid"))
                .build();
        return Message.of(value.encode()).addMetadata(metadata);
    }

    private void recordLag(List<OffsetDateTime> occurred) {
        long now = System.currentTimeMillis();
        for (OffsetDateTime at : occurred) {
            relayLag.record(Math.max(0, now - at.toInstant().toEpochMilli()), TimeUnit.MILLISECONDS);
        }
    }

    private void refreshBacklog() {
        pool.query("SELECT count(*) AS n, coalesce(extract(epoch FROM clock_timestamp() - min(occurred_at)) * 1000, 0) AS age_ms FROM "
                        + table)
                .execute()
                .subscribe().with(rows -> {
                    Row row = rows.iterator().next();
                    backlog.set(row.getLong("n"));
                    oldestAgeMillis.set(row.getNumeric("age_ms").longValue());
                }, failure -> LOG.debugf("outbox backlog query failed: %s", failure.getMessage()));
    }
}
