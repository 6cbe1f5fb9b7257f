package io.shop.common.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;

/**
 * The value of every record on a change topic: the outbox row as published by the relay. Field names are those of
 * Debezium's outbox event router with {@code id}, {@code type}, {@code version} and {@code occurred_at} placed in
 * the envelope, so the relay can be replaced by Debezium without touching a consumer.
 *
 * @param id         unique per event: a consumer may see an event twice and can tell
 * @param version    the aggregate's version after the change; consumers keep the highest they have seen
 * @param occurredAt when the writer inserted the row, just before its commit: the start of every lag figure
 */
public record ChangeEvent(
        UUID id,
        @JsonProperty("aggregatetype") String aggregateType,
        @JsonProperty("aggregateid") String aggregateId,
        String type,
        long version,
        @JsonProperty("occurred_at") Instant occurredAt,
        JsonNode payload) {
}
