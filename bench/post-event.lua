-- wrk script: POST /v1/events with a unique Idempotency-Key per request and a ~1.1 KB payload.
-- Env: RELAY_API_KEY (required), WRK_DELAY_MS (optional: pause per request and connection, for a fixed rate).
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

local filler = string.rep("x", 1000)
local delay_ms = tonumber(os.getenv("WRK_DELAY_MS") or "0")
-- WRK_TYPES=N spreads events over types order.t0 .. order.t<N-1> (one endpoint each); unset: order.created.
local types = tonumber(os.getenv("WRK_TYPES") or "0")

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("RELAY_API_KEY")
  math.randomseed(os.time() + thread_id)
  run_id = tostring(math.random(1, 1000000000))
end

function request()
  counter = counter + 1
  local key = "bench-" .. run_id .. "-" .. thread_id .. "-" .. counter
  wrk.headers["Idempotency-Key"] = key
  local event_type = types > 0 and ("order.t" .. (counter % types)) or "order.created"
  local body = '{"type":"' .. event_type .. '","payload":{"orderId":' .. counter .. ',"note":"' .. filler .. '"}}'
  return wrk.format(nil, "/v1/events", nil, body)
end

function delay()
  return delay_ms
end

function done(summary, latency, requests)
  local non2xx = summary.errors.status
  local failed = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d seconds=%.3f non2xx=%d socket_errors=%d p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f\n",
    summary.requests, summary.duration / 1e6, non2xx, failed,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000))
end
