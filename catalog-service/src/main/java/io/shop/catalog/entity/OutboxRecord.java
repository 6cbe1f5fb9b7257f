package io.shop.catalog.entity;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.shop.common.outbox.OutboxEvent;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;

/**
 * An event in catalog.outbox, written by an admin write in its own Hibernate session, hence in the same transaction
 * as the entity change it reports (the SQL-client paths append with OutboxWriter instead). seq and occurred_at are
 * the database's.
 */
@Entity
@Table(schema = "catalog", name = "outbox")
public class OutboxRecord extends PanacheEntityBase {

    /** The table, for the SQL-client paths that append with OutboxWriter (reviews). */
    public static final String TABLE = "catalog.outbox";

    @Id
    public UUID id;

    @Column(name = "aggregatetype", nullable = false)
    public String aggregateType;

    @Column(name = "aggregateid", nullable = false)
    public String aggregateId;

    @Column(nullable = false)
    public String type;

    @Column(nullable = false)
    public long version;

    @Column(nullable = false)
    // Bound as text, then parsed: the reactive driver would send a String bound to jsonb as a JSON string.
    @ColumnTransformer(write = "?::text::jsonb")
    public String payload;

    public static OutboxRecord of(OutboxEvent event) {
        OutboxRecord r = new OutboxRecord();
        r.id = event.id();
        r.aggregateType = event.aggregateType();
        r.aggregateId = event.aggregateId();
        r.type = event.type();
        r.version = event.version();
        r.payload = event.payload();
        return r;
    }
}
