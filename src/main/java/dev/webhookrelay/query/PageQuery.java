package dev.webhookrelay.query;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * Builds and runs one keyset-paginated list query: a base SELECT, AND-ed filters, newest first by
 * (created_at, id), one row more than the limit to know whether a next page exists.
 */
public final class PageQuery {

    private final String select;
    private final String createdAtColumn;
    private final String idColumn;
    private final List<String> conditions = new ArrayList<>();
    private final List<Object> arguments = new ArrayList<>();
    private Long maxBytes;

    public PageQuery(String select, String createdAtColumn, String idColumn) {
        this.select = select;
        this.createdAtColumn = createdAtColumn;
        this.idColumn = idColumn;
    }

    public PageQuery where(String condition, Object... values) {
        conditions.add(condition);
        arguments.addAll(List.of(values));
        return this;
    }

    /** Adds the condition only when the value is present. */
    public PageQuery whereIf(Object value, String condition) {
        return value == null ? this : where(condition, value instanceof Instant i ? Timestamp.from(i) : value);
    }

    /**
     * Bounds the page in bytes as well: rows are added while the sizes of the rows before them (the
     * select's {@code page_bytes} column) stay under the budget, so a page holds at least one row and
     * ends at most one row beyond it. The cut is made in PostgreSQL, so the rows left out never reach
     * the relay (the JDBC driver would otherwise read every row of the result into memory).
     */
    public PageQuery withinBytes(long budget) {
        this.maxBytes = budget;
        return this;
    }

    public Map<String, Object> page(JdbcTemplate jdbc, ListRequest request, RowMapper<Map<String, Object>> mapper) {
        int limit = request.limit();
        Cursor after = request.cursor();
        if (after != null) {
            where("(" + createdAtColumn + ", " + idColumn + "::text) < (?, ?)", Timestamp.from(after.createdAt()), after.id());
        }
        String sql = select + (conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions))
                + " ORDER BY " + createdAtColumn + " DESC, " + idColumn + "::text DESC LIMIT " + (limit + 1);
        List<Object> values = new ArrayList<>(arguments);
        if (maxBytes != null) {
            sql = """
                    SELECT * FROM (
                        SELECT page.*, count(*) OVER () AS page_candidates,
                               sum(page.page_bytes) OVER (ORDER BY page.page_created_at DESC, page.page_id DESC
                                                          ROWS UNBOUNDED PRECEDING) AS page_bytes_through
                          FROM (%s) page) sized
                     WHERE page_bytes_through - page_bytes < ?
                     ORDER BY page_created_at DESC, page_id DESC""".formatted(sql);
            values.add(maxBytes);
        }
        List<Cursor> keys = new ArrayList<>();
        long[] beforeTheByteCut = {0};
        List<Map<String, Object>> rows = jdbc.query(sql, (rs, n) -> {
            keys.add(key(rs));
            if (maxBytes != null) {
                beforeTheByteCut[0] = rs.getLong("page_candidates");
            }
            return mapper.mapRow(rs, n);
        }, values.toArray());
        long candidates = maxBytes == null ? rows.size() : beforeTheByteCut[0];
        int size = Math.min(rows.size(), limit);
        boolean more = candidates > size;
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("data", rows.subList(0, size));
        page.put("nextCursor", more ? keys.get(size - 1).encode() : null);
        return page;
    }

    private Cursor key(ResultSet rs) throws SQLException {
        return new Cursor(rs.getTimestamp("page_created_at").toInstant(), rs.getString("page_id"));
    }
}
