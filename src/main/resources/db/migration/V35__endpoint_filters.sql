-- Payload filters (issue 13): an endpoint may carry a SQL/JSON path predicate over {type, data}.
-- The two match rules live here once, used by the ingest fan-out and by the filter preview.
ALTER TABLE endpoints ADD COLUMN filter text;

-- An endpoint subscribes to every type (no entries), an exact type, or a prefix ending in '*'.
CREATE FUNCTION relay_event_type_matches(event_types text[], event_type text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT cardinality(event_types) = 0
        OR event_type = ANY (event_types)
        OR EXISTS (SELECT 1 FROM unnest(event_types) AS subscribed
                    WHERE right(subscribed, 1) = '*' AND starts_with(event_type, left(subscribed, -1)))
$$;

-- No filter matches everything. Evaluated silently: a predicate that errors on this event (a type
-- mismatch, a missing member in strict mode) or is unknown does not match, and never fails the ingest.
CREATE FUNCTION relay_filter_matches(filter text, event_type text, payload jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT filter IS NULL
        OR coalesce(jsonb_path_match(jsonb_build_object('type', event_type, 'data', payload),
                                     filter::jsonpath, '{}', true), false)
$$;
