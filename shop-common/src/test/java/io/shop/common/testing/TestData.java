package io.shop.common.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Test access to the real shop_test database: generates the small dataset once, and reads expectations. */
public final class TestData {

    private TestData() {
    }

    /** Generates the small dataset unless the database already holds it (seconds the first time). */
    public static void ensureSmallDataset(DataSource db) {
        execute(db, "CALL datagen.ensure('small')");
    }

    public static void execute(DataSource db, String sql, Object... args) {
        try (Connection c = db.getConnection(); PreparedStatement s = prepare(c, sql, args)) {
            s.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** The first column of every row. */
    public static <T> List<T> column(DataSource db, Class<T> type, String sql, Object... args) {
        try (Connection c = db.getConnection(); PreparedStatement s = prepare(c, sql, args);
             ResultSet rs = s.executeQuery()) {
            List<T> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getObject(1, type));
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    public static <T> T single(DataSource db, Class<T> type, String sql, Object... args) {
        List<T> values = column(db, type, sql, args);
        if (values.size() != 1) {
            throw new IllegalStateException("expected one row, got " + values.size() + ": " + sql);
        }
        return values.get(0);
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            s.setObject(i + 1, args[i]);
        }
        return s;
    }
}
