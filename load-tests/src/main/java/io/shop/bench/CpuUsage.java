package io.shop.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * CPU time consumed per part of a benchmark's machine, read from /proc: each process of a harness cluster, the
 * servers (every PostgreSQL, Kafka broker and Redis process on the machine) and the load generator itself. Two
 * samples give the cores each part kept busy in between: on a machine the load saturates, latencies are mostly
 * waits for a core, and this shows who held them.
 */
record CpuUsage(long nanos, Map<String, Double> seconds) {

    /** Clock ticks per second of /proc/PID/stat's utime and stime (USER_HZ, 100 on Linux). */
    private static final double TICKS = 100.0;
    private static final String LOAD_GENERATOR = "load generator";

    static CpuUsage sample(LocalCluster cluster) {
        Map<Long, String> named = new LinkedHashMap<>();
        cluster.pids().forEach((name, pid) -> named.put(pid, name));
        named.put(ProcessHandle.current().pid(), LOAD_GENERATOR);
        Map<String, Double> seconds = new LinkedHashMap<>();
        named.values().forEach(name -> seconds.put(name, 0.0));
        for (String server : List.of("PostgreSQL", "Kafka broker", "Redis")) {
            seconds.put(server, 0.0);
        }
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path dir : entries.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
                long pid = Long.parseLong(dir.getFileName().toString());
                try {
                    String part = named.containsKey(pid) ? named.get(pid) : server(Files.readString(dir.resolve("cmdline")));
                    if (part != null) {
                        seconds.merge(part, cpuSeconds(Files.readString(dir.resolve("stat"))), Double::sum);
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process ended between the listing and the read
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc", e);
        }
        return new CpuUsage(System.nanoTime(), seconds);
    }

    private static String server(String cmdline) {
        String command = cmdline.replace('\0', ' ');
        if (command.startsWith("postgres") || command.contains("bin/postgres ")) {
            return "PostgreSQL";
        }
        if (command.contains("kafka.Kafka")) {
            return "Kafka broker";
        }
        if (command.contains("redis-server")) {
            return "Redis";
        }
        return null;
    }

    /** utime + stime: fields 14 and 15 of /proc/PID/stat, counted after the command name's closing parenthesis. */
    private static double cpuSeconds(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS;
    }

    /** Cores each part kept busy since {@code before}, busiest first (a process started again in between: its own). */
    Map<String, Double> coresSince(CpuUsage before) {
        double elapsed = (nanos - before.nanos) / 1e9;
        return seconds.entrySet().stream()
                .map(e -> Map.entry(e.getKey(),
                        Math.max(0, e.getValue() - before.seconds.getOrDefault(e.getKey(), 0.0)) / elapsed))
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    }

    /** "1.87 of 2 cores: catalog-1 0.42, catalog-2 0.40, ..." */
    static String describe(Map<String, Double> cores) {
        double total = cores.values().stream().mapToDouble(Double::doubleValue).sum();
        return String.format(Locale.ROOT, "%.2f of %d cores: ", total, Runtime.getRuntime().availableProcessors())
                + cores.entrySet().stream().filter(e -> e.getValue() >= 0.005)
                .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
    }
}
