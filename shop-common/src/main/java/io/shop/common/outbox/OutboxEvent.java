package io.shop.common.outbox;

import java.util.UUID;

/**
 * A change event, written to a service's outbox table in the transaction of the change it describes. Field
 * names follow Debezium's outbox event router (aggregatetype, aggregateid, type, payload), so the relay can be
 * swapped for Debezium without touching consumers.
 *
 * @param id            unique per event, for de-duplication by consumers
 * @param aggregateType what changed, e.g. "order" or "product"; selects the topic (see Topics)
 * @param aggregateId   which one changed; the Kafka record key, so one aggregate's events stay in order
 * @param type          what happened, e.g. "OrderPlaced", "ProductChanged"
 * @param version       the aggregate's version after the change
 * @param payload       the event body, JSON
 */
public record OutboxEvent(UUID id, String aggregateType, String aggregateId, String type, long version, String payload) {

    public static OutboxEvent of(String aggregateType, Object aggregateId, String type, long version, String payload) {
        return new OutboxEvent(UUID.randomUUID(), aggregateType, String.valueOf(aggregateId), type, version, payload);
    }
}
