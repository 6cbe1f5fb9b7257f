package io.shop.common.events;

/**
 * A relay's progress record on a change topic, written into every partition of the topic after the records it
 * covers: every change of the outbox table {@code source} that committed before {@code through} (PostgreSQL's clock,
 * epoch millis) is already in this partition, before this record. Consumers apply records in partition order, so
 * once they have applied this record they have applied every such change. Told apart from change events by
 * {@code type}.
 *
 * @param partitions how many partitions the topic had when written: a reader knows which ones it must hear from
 */
public record Watermark(String type, String source, long through, int partitions) {

    public static final String TYPE = "Watermark";

    public static Watermark of(String source, long through, int partitions) {
        return new Watermark(TYPE, source, through, partitions);
    }
}
