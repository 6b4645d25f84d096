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

    public Map<String, Object> page(JdbcTemplate jdbc, ListRequest request, RowMapper<Map<String, Object>> mapper) {
        int limit = request.limit();
        Cursor after = request.cursor();
        if (after != null) {
            where("(" + createdAtColumn + ", " + idColumn + "::text) < (?, ?)", Timestamp.from(after.createdAt()), after.id());
        }
        String sql = select + (conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions))
                + " ORDER BY " + createdAtColumn + " DESC, " + idColumn + "::text DESC LIMIT " + (limit + 1);
        List<Cursor> keys = new ArrayList<>();
        List<Map<String, Object>> rows = jdbc.query(sql, (rs, n) -> {
            keys.add(key(rs));
            return mapper.mapRow(rs, n);
        }, arguments.toArray());
        Map<String, Object> page = new LinkedHashMap<>();
        boolean more = rows.size() > limit;
        page.put("data", more ? rows.subList(0, limit) : rows);
        page.put("nextCursor", more ? keys.get(limit - 1).encode() : null);
        return page;
    }

    private Cursor key(ResultSet rs) throws SQLException {
        return new Cursor(rs.getTimestamp("page_created_at").toInstant(), rs.getString("page_id"));
    }
}
