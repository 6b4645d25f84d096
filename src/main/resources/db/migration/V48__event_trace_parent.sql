-- The W3C traceparent of the request that posted the event (null outside a trace): the outbox
-- sweeper's republishes and replays of its deliveries continue the event's trace.
ALTER TABLE events ADD COLUMN trace_parent text;
