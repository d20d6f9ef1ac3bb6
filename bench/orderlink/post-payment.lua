-- wrk script of make bench-orderlink: POST /v1/payments with the API key, a fresh Idempotency-Key
-- and order id per request (each thread numbers its own), the body an order system sends.
-- wrk -s post-payment.lua <url> -- <api key> <run tag>; done() prints one line of JSON.
local threads = {}
local next_thread = 0

function setup(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

function init(args)
  api_key = args[1]
  run_tag = args[2]
  counter = 0
end

function request()
  counter = counter + 1
  local id = run_tag .. "-" .. thread_id .. "-" .. counter
  local body = '{"orderId":"B-' .. id .. '","amount":12345,"currency":"JPY","mode":"CAPTURE",'
    .. '"language":"ja","returnSipAddress":"sip:op-1@pbx.example.com"}'
  return wrk.format("POST", "/v1/payments", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. api_key,
    ["Idempotency-Key"] = "bench-" .. id,
  }, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"maxUs":%d,'
      .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
