-- The fan-out's match rules as V35 wrote them, under other names: SQL functions PostgreSQL cannot
-- inline (a sub-select; a STABLE function in an IMMUTABLE body), so planned again at every ingest.
CREATE FUNCTION bench_v35_event_type_matches(event_types text[], event_type text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT cardinality(event_types) = 0
        OR event_type = ANY (event_types)
        OR EXISTS (SELECT 1 FROM unnest(event_types) AS subscribed
                    WHERE right(subscribed, 1) = '*' AND starts_with(event_type, left(subscribed, -1)))
$$;
CREATE FUNCTION bench_v35_filter_matches(filter text, event_type text, payload jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT filter IS NULL
        OR coalesce(jsonb_path_match(jsonb_build_object('type', event_type, 'data', payload),
                                     filter::jsonpath, '{}', true), false)
$$;
