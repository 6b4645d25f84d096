package dev.webhookrelay.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Direct reads of this run's database, for tests whose relay runs in another process. */
public final class TestDatabase {

    private TestDatabase() {
    }

    public static int count(String sql) {
        return count(TestServices.jdbcUrl(5432), sql);
    }

    public static List<String> rows(String sql) {
        return rows(TestServices.jdbcUrl(5432), sql);
    }

    /** In another database of this run (TestServices.ownDatabase). */
    public static int count(String jdbcUrl, String sql) {
        return Integer.parseInt(rows(jdbcUrl, sql).get(0));
    }

    public static List<String> rows(String jdbcUrl, String sql) {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl, TestServices.DB_USER,
                TestServices.DB_PASSWORD); ResultSet rs = c.createStatement().executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }
}
