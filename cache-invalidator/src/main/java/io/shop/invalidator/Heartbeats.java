package io.shop.invalidator;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.shop.common.events.CacheEviction;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

/**
 * Freshness heartbeats on the eviction stream. A catalog instance that hears neither an eviction nor a heartbeat
 * within its staleness bound stops trusting its L1; so heartbeats stop when this service stops or cannot reach
 * the broker, exactly when evictions could be missing.
 */
@ApplicationScoped
public class Heartbeats {

    private static final Logger LOG = Logger.getLogger(Heartbeats.class);

    private final MutinyEmitter<String> evictions;
    private final ObjectMapper json;
    private final Vertx vertx;
    private final Duration interval;
    private long timer = -1;

    public Heartbeats(@Channel("cache-evictions") MutinyEmitter<String> evictions, ObjectMapper json, Vertx vertx,
                      @ConfigProperty(name = "invalidator.heartbeat-interval", defaultValue = "PT0.5S") Duration interval) {
        this.evictions = evictions;
        this.json = json;
        this.vertx = vertx;
        this.interval = interval;
    }

    void start(@Observes StartupEvent ignored) {
        timer = vertx.setPeriodic(interval.toMillis(), id -> beat());
    }

    void stop(@Observes ShutdownEvent ignored) {
        vertx.cancelTimer(timer);
    }

    private void beat() {
        try {
            String record = json.writeValueAsString(CacheEviction.heartbeat(System.currentTimeMillis()));
            evictions.send(record).subscribe().with(ok -> { }, failure -> LOG.debugf("heartbeat not sent: %s", failure.getMessage()));
        } catch (Exception e) {
            LOG.warnf("heartbeat failed: %s", e.getMessage());
        }
    }
}
