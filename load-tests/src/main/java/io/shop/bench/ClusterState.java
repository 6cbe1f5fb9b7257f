package io.shop.bench;

import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The truth and the caches side by side, for the checks after an invalidator outage: product versions in
 * PostgreSQL, what Redis holds for them, and what each catalog instance answers.
 */
final class ClusterState {

    private final String jdbcUrl;
    private final int redisPort;
    private final int redisDb;

    ClusterState(Servers servers, String database, int redisDb) {
        this.jdbcUrl = servers.jdbcUrl(database);
        this.redisPort = servers.redisPort();
        this.redisDb = redisDb;
    }

    List<Long> hotProducts(int count) {
        List<Long> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl);
             PreparedStatement s = c.prepareStatement(
                     "SELECT id FROM catalog.products WHERE is_active ORDER BY is_featured DESC, id LIMIT ?")) {
            s.setInt(1, count);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }

    /** The first column of a query's rows, as ids. */
    List<Long> ids(String sql) {
        List<Long> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl); PreparedStatement s = c.prepareStatement(sql);
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }

    /** The first two columns of a query's rows, as a map from the first to the second (both whole numbers). */
    Map<Long, Long> pairs(String sql) {
        Map<Long, Long> pairs = new HashMap<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl); PreparedStatement s = c.prepareStatement(sql);
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                pairs.put(rs.getLong(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return pairs;
    }

    /** The first column of the first row, as text. */
    String text(String sql) {
        try (Connection c = DriverManager.getConnection(jdbcUrl); PreparedStatement s = c.prepareStatement(sql);
             ResultSet rs = s.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("no row: " + sql);
            }
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    Map<Long, Long> databaseVersions(List<Long> products) {
        Map<Long, Long> versions = new HashMap<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl);
             PreparedStatement s = c.prepareStatement("SELECT id, version FROM catalog.products WHERE id = ANY(?)")) {
            Array ids = c.createArrayOf("bigint", products.toArray());
            s.setArray(1, ids);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    versions.put(rs.getLong(1), rs.getLong(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return versions;
    }

    /** The version of each product page Redis holds (null where none), in one redis-cli call. */
    List<Long> redisVersions(List<Long> products) {
        StringBuilder commands = new StringBuilder();
        products.forEach(p -> commands.append("HGET cache:product:").append(p).append(" v\n"));
        String[] lines = redis(commands.toString()).split("\n", -1);
        List<Long> versions = new ArrayList<>(products.size());
        for (int i = 0; i < products.size(); i++) {
            String line = i < lines.length ? lines[i].trim() : "";
            versions.add(line.isEmpty() ? null : Long.parseLong(line));
        }
        return versions;
    }

    void flushRedis() {
        redis("FLUSHDB\n");
    }

    /**
     * Every mismatch between the database and the caches for these products: Redis entries (L2) and each catalog
     * instance's answer (L1, else L2, else database). Empty when consistent.
     */
    List<String> mismatches(List<Long> products, List<String> catalogs, StalenessChecker reader) {
        Map<Long, Long> truth = databaseVersions(products);
        List<String> found = new ArrayList<>();
        List<Long> inRedisByIndex = redisVersions(products);
        for (int p = 0; p < products.size(); p++) {
            long product = products.get(p);
            long expected = truth.get(product);
            Long inRedis = inRedisByIndex.get(p);
            if (inRedis != null && inRedis != expected) {
                found.add("L2 product " + product + ": v" + inRedis + ", database v" + expected);
            }
            for (int i = 0; i < catalogs.size(); i++) {
                Long answered = reader.readVersion(catalogs.get(i), product);
                if (answered == null || answered != expected) {
                    found.add("instance " + i + " product " + product + ": v" + answered + ", database v" + expected);
                }
            }
        }
        return found;
    }

    /** Runs newline-separated commands through one redis-cli; one output line per command (raw mode). */
    private String redis(String commands) {
        try {
            Process p = new ProcessBuilder("redis-cli", "-p", String.valueOf(redisPort), "--no-raw", "-n",
                    String.valueOf(redisDb)).redirectErrorStream(true).start();
            p.getOutputStream().write(commands.getBytes());
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes()).replace("(nil)", "").replace("\"", "");
            p.waitFor(5, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("redis-cli failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
