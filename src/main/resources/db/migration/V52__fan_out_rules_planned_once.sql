-- The fan-out's two match rules (V35), the same answers at a fraction of PostgreSQL's cost.
-- V35 wrote both as SQL functions that PostgreSQL could not inline into the ingest statement: the type
-- rule holds a sub-select, and the filter rule, though declared IMMUTABLE, called the STABLE
-- jsonb_build_object. A SQL function that is not inlined is parsed and planned again at every
-- execution of the statement that calls it, which cost about a tenth of PostgreSQL's CPU per ingested
-- event (issue 16; bench/RESULTS.md).
--  * The type rule is PL/pgSQL: a loop instead of the sub-select, its expressions planned once per session.
--  * The filter rule builds {type, data} with immutable functions only, so PostgreSQL inlines it.
--  * The type rule's COST puts it before the inlined filter in the fan-out's join filter (PostgreSQL
--    orders a scan's conditions by cost): an endpoint's filter runs only on the events of its types,
--    as under V35, where both rules had the same cost and ran in the order written.

CREATE OR REPLACE FUNCTION relay_event_type_matches(event_types text[], event_type text) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE COST 1 AS $$
DECLARE
    subscribed text;
BEGIN
    IF cardinality(event_types) = 0 OR event_type = ANY (event_types) THEN
        RETURN true;
    END IF;
    FOREACH subscribed IN ARRAY coalesce(event_types, '{}') LOOP
        IF right(subscribed, 1) = '*' AND starts_with(event_type, left(subscribed, -1)) THEN
            RETURN true;
        END IF;
    END LOOP;
    RETURN false;
END $$;

CREATE OR REPLACE FUNCTION relay_filter_matches(filter text, event_type text, payload jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT filter IS NULL
        OR coalesce(jsonb_path_match(jsonb_set(jsonb_object(ARRAY['type', event_type]), '{data}', coalesce(payload, 'null')),
                                     filter::jsonpath, '{}', true), false)
$$;
