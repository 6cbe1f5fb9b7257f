package io.shop.common.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Direct access to the tests' own broker ({@link TestServers}): send records, read what services published. */
public final class KafkaTopics {

    private KafkaTopics() {
    }

    /** Sends a keyed record; answers the partition it went to. */
    public static int send(String topic, String key, String value) {
        return send(new ProducerRecord<>(topic, key, value));
    }

    /** Sends an unkeyed record to one partition (as the relays send watermarks). */
    public static void sendTo(String topic, int partition, String value) {
        send(new ProducerRecord<>(topic, partition, null, value));
    }

    private static int send(ProducerRecord<String, String> record) {
        Properties props = new Properties();
        props.put("bootstrap.servers", TestServers.kafkaBootstrap());
        props.put("key.serializer", StringSerializer.class.getName());
        props.put("value.serializer", StringSerializer.class.getName());
        props.put("acks", "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            return producer.send(record).get().partition();
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + record.topic(), e);
        }
    }

    /** Where each partition of the topic ends now: read from here to see only what comes next. */
    public static Map<TopicPartition, Long> endOffsets(String topic) {
        try (KafkaConsumer<String, String> consumer = consumer()) {
            return consumer.endOffsets(partitions(consumer, topic, Duration.ofSeconds(20)));
        }
    }

    /** From the start of the topic: records matching {@code filter}, until {@code count} arrived or time ran out. */
    public static List<ConsumerRecord<String, String>> readFromStart(String topic, Predicate<ConsumerRecord<String, String>> filter,
                                                                     int count, Duration timeout) {
        return read(topic, null, filter, count, timeout);
    }

    /** From the given offsets (see {@link #endOffsets}). */
    public static List<ConsumerRecord<String, String>> read(String topic, Map<TopicPartition, Long> from,
                                                            Predicate<ConsumerRecord<String, String>> filter,
                                                            int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer, topic, timeout);
            consumer.assign(partitions);
            if (from == null) {
                consumer.seekToBeginning(partitions);
            } else {
                Map<TopicPartition, Long> start = new HashMap<>(from);
                partitions.forEach(p -> consumer.seek(p, start.getOrDefault(p, 0L)));
            }
            while (found.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    if (filter.test(r)) {
                        found.add(r);
                    }
                }
            }
        }
        return found;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<String, String> consumer, String topic, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<TopicPartition> partitions = new ArrayList<>();
        while (partitions.isEmpty() && System.nanoTime() < deadline) {
            try {
                consumer.partitionsFor(topic, Duration.ofSeconds(2))
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                // topic not created yet: ask again
            }
        }
        return partitions;
    }

    private static KafkaConsumer<String, String> consumer() {
        Properties props = new Properties();
        props.put("bootstrap.servers", TestServers.kafkaBootstrap());
        props.put("key.deserializer", StringDeserializer.class.getName());
        props.put("value.deserializer", StringDeserializer.class.getName());
        props.put("enable.auto.commit", "false");
        return new KafkaConsumer<>(props);
    }
}
