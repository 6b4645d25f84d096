-- wrk script: POST /v1/events with a unique Idempotency-Key per request and a ~1.1 KB payload.
-- Env: RELAY_API_KEY (required)
--   WRK_RATE     events/s over all threads, paced open-loop (each request takes the next slot of
--                its thread's schedule, whatever the latency of the others); unset: closed loop
--   WRK_THREADS  wrk's -t, needed with WRK_RATE
--   WRK_KEY_PREFIX  Idempotency-Key prefix (default bench): wrk processes started in the same second
--                get the same random run id, so give each its own
--   WRK_TYPES    spread events over types <WRK_TYPE_PREFIX>0 .. <N-1> (one endpoint each);
--                unset: order.created
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_usec; } wrk_timeval;
  int gettimeofday(wrk_timeval *tv, void *tz);
]]
local tv = ffi.new("wrk_timeval")
local function now_ms()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) * 1000 + tonumber(tv.tv_usec) / 1000
end

local counter = 0
local threads = {}

-- thread_id is a global set by setup() in each thread's own Lua state: a chunk-level local of that
-- name would shadow it, and every thread would send the same keys.
function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

local filler = string.rep("x", 1000)
local types = tonumber(os.getenv("WRK_TYPES") or "0")
local key_prefix = os.getenv("WRK_KEY_PREFIX") or "bench"
local type_prefix = os.getenv("WRK_TYPE_PREFIX") or "order.t"
local thread_count = tonumber(os.getenv("WRK_THREADS") or "1")
local rate = tonumber(os.getenv("WRK_RATE") or "0")
local interval_ms = rate > 0 and (1000 * thread_count / rate) or 0
local next_slot = nil

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("RELAY_API_KEY")
  math.randomseed(os.time() * 1000 + thread_id)
  run_id = tostring(math.random(1, 1000000000))
end

function request()
  counter = counter + 1
  local key = key_prefix .. "-" .. run_id .. "-" .. thread_id .. "-" .. counter
  wrk.headers["Idempotency-Key"] = key
  local event_type = types > 0 and (type_prefix .. (counter % types)) or "order.created"
  -- amount and currency are what the fan-out benchmark's payload filters read: about a quarter of
  -- events have an amount over 100 in EUR.
  local currency = counter % 2 == 0 and "EUR" or "USD"
  local body = '{"type":"' .. event_type .. '","payload":{"orderId":' .. counter .. ',"amount":' .. (counter % 200)
    .. ',"currency":"' .. currency .. '","note":"' .. filler .. '"}}'
  return wrk.format(nil, "/v1/events", nil, body)
end

function delay()
  if interval_ms == 0 then
    return 0
  end
  local now = now_ms()
  next_slot = (next_slot or now) + interval_ms
  return math.max(0, next_slot - now)
end

function done(summary, latency, requests)
  local non2xx = summary.errors.status
  local failed = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d seconds=%.3f non2xx=%d socket_errors=%d p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f\n",
    summary.requests, summary.duration / 1e6, non2xx, failed,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000))
end
