-- Static headers that the relay no longer sends (Camel control headers such as CamelHttpUri, the
-- relay's own and hop-by-hop names, non-string or multi-line values) are removed from stored
-- endpoints. The send path ignores them anyway (StaticHeaders.sendable); this keeps the API from
-- showing headers that are never sent.
UPDATE endpoints p
   SET headers = (SELECT coalesce(jsonb_object_agg(h.key, h.value), '{}'::jsonb)
                    FROM jsonb_each(p.headers) AS h(key, value)
                   WHERE h.key ~ '^[A-Za-z0-9!#$%&''*+.^_`|~-]{1,100}$'
                     AND lower(h.key) NOT IN ('content-type', 'content-length', 'content-encoding', 'host',
                                              'transfer-encoding', 'connection', 'user-agent', 'expect', 'upgrade',
                                              'te', 'trailer', 'keep-alive', 'traceparent', 'tracestate')
                     AND lower(h.key) !~ '^(camel|org\.apache\.camel|webhook-|relay-|proxy-)'
                     AND jsonb_typeof(h.value) = 'string'
                     AND length(h.value #>> '{}') <= 4096
                     AND (h.value #>> '{}') !~ '[\r\n]')
 WHERE jsonb_typeof(p.headers) = 'object';

UPDATE endpoints SET headers = '{}'::jsonb WHERE jsonb_typeof(headers) <> 'object';
