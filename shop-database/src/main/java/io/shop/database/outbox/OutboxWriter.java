package io.shop.database.outbox;

import io.shop.common.outbox.OutboxEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;

/** Appends events to an outbox table in the caller's transaction, all in one statement. */
public final class OutboxWriter {

    private OutboxWriter() {
    }

    /**
     * @param table the service's own outbox table (a constant such as "orders.outbox", never request data)
     */
    public static Uni<Void> append(SqlConnection conn, String table, List<OutboxEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = events.size();
        UUID[] ids = new UUID[n];
        String[] types = new String[n];
        String[] aggregateIds = new String[n];
        String[] eventTypes = new String[n];
        Long[] versions = new Long[n];
        String[] payloads = new String[n];
        for (int i = 0; i < n; i++) {
            OutboxEvent e = events.get(i);
            ids[i] = e.id();
            types[i] = e.aggregateType();
            aggregateIds[i] = e.aggregateId();
            eventTypes[i] = e.type();
            versions[i] = e.version();
            payloads[i] = e.payload();
        }
        String sql = "INSERT INTO " + table + " (id, aggregatetype, aggregateid, type, version, payload)"
                + " SELECT id, at, aid, t, v, p::jsonb"
                + " FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int8[], $6::text[]) AS e(id, at, aid, t, v, p)";
        return conn.preparedQuery(sql)
                .execute(Tuple.of(ids, types, aggregateIds, eventTypes, versions, payloads))
                .replaceWithVoid();
    }
}
